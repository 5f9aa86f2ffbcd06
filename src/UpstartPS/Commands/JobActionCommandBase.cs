using System.Management.Automation;
using UpstartPS.Arguments;
using UpstartPS.Errors;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;
using UpstartPS.Remoting;

namespace UpstartPS.Commands;

/// <summary>
/// The third rung: commands that change a job. Per target: progress (when a record selects several
/// jobs), ShouldProcess (so -WhatIf and -Confirm work), the action, "already there" counted as success
/// (Service.cs swallows "already running"), a per-item error otherwise, and -PassThru.
/// A leaf only says what it does to one target.
/// </summary>
public abstract class JobActionCommandBase : JobCommandBase
{
    private readonly Dictionary<string, JobConfigInfo> _configurations = new(StringComparer.Ordinal);
    private bool _progressShown;
    private int _processed;

    /// <summary>Write the job, as it is after the action, to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// The computer a deserialized job came from: Invoke-Command tags what it returns with PSComputerName,
    /// and it binds here by property name. Set, it means the job lives on another machine's daemon.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? PSComputerName { get; set; }

    /// <summary>The ShouldProcess action text: "Start job".</summary>
    protected abstract string ActionText { get; }

    /// <summary>The progress activity: "Starting Upstart jobs".</summary>
    protected abstract string ProgressActivity { get; }

    /// <summary>True when the action concerns the job as a whole, not each instance (enable, disable).</summary>
    protected virtual bool PerJob => false;

    /// <summary>Performs the action on one target; returns the job's state when the daemon reported it.</summary>
    internal abstract JobInfo? Act(JobTarget target);

    /// <summary>
    /// The requests a record turns into, given the targets it selected: by default one per target. Start, stop
    /// and restart override it, because their environment decides which instance a request reaches.
    /// </summary>
    internal virtual IReadOnlyList<JobTarget> Plan(IReadOnlyList<JobTarget> selected) => selected;

    /// <summary>The failure to report when the action's time limit ran out for <paramref name="target"/>; null: the generic one.</summary>
    internal virtual UpstartFailure? TimedOut(JobTarget target) => null;

    /// <summary>True when the daemon's refusal means the job is already where the action would put it.</summary>
    internal virtual bool IsAlreadyDone(UpstartErrorCode code, JobTarget target) => false;

    protected override void BeginProcessing()
    {
        // Enabling and disabling concern the job, whatever its instances: an -Instance typed there would be
        // silently ignored, so it is refused. (One bound from piped rows, such as Import-Csv's, is not typed.)
        if (PerJob && MyInvocation.BoundParameters.ContainsKey(nameof(Instance)))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"{MyInvocation.MyCommand.Name} acts on the whole job, not on one instance: leave out -Instance."),
                "InstanceNotApplicable",
                ErrorCategory.InvalidArgument,
                Instance));
        }
    }

    protected override void ProcessRecord()
    {
        if (!string.IsNullOrEmpty(PSComputerName) && !ThisComputer.Is(PSComputerName))
        {
            // A job from web1 piped into a local cmdlet would otherwise act on this machine's job of the
            // same name: on a fleet, the wrong machine. Refuse and say where to act instead.
            RefuseRemoteJob(PSComputerName);
            return;
        }

        var targets = Plan(ResolveTargets());
        if (PerJob)
        {
            targets = targets.Select(t => t with { Instance = "" }).Distinct().ToList();
        }

        // Progress when a record selects several jobs, and for piped input from its second job on (the total
        // is not known ahead there, so it counts instead of giving a percentage).
        var piped = MyInvocation.ExpectingInput;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            _processed++;
            if (piped && _processed > 1)
            {
                WriteProgress(ProgressFor(target, null));
            }
            else if (!piped && targets.Count > 1)
            {
                WriteProgress(ProgressFor(target, (i, targets.Count)));
            }

            if (ShouldProcess(target.ToString(), ActionText))
            {
                ActOn(target);
            }
        }

        if (_progressShown && !piped)
        {
            CompleteProgress();
        }
    }

    protected override void EndProcessing()
    {
        if (_progressShown)
        {
            CompleteProgress();
        }
    }

    // A new record for every update: the host may keep the ones it was given (a runspace's progress stream does).
    private ProgressRecord ProgressFor(JobTarget target, (int Index, int Count)? position)
    {
        _progressShown = true;
        var status = position is { } p ? $"{target} ({p.Index + 1} of {p.Count})" : $"{target} ({_processed} so far)";
        return new ProgressRecord(ProgressId, ProgressActivity, status)
        {
            PercentComplete = position is { } q ? q.Index * 100 / q.Count : -1,
        };
    }

    private void CompleteProgress()
    {
        WriteProgress(new ProgressRecord(ProgressId, ProgressActivity, "Done") { RecordType = ProgressRecordType.Completed });
        _progressShown = false;
    }

    /// <summary>The start failure with the job's LastFailure from a follow-up status, when the daemon reports one.</summary>
    private UpstartException WithLastFailure(UpstartException failure, JobTarget target)
    {
        IReadOnlyList<JobInfo> jobs;
        try
        {
            jobs = Call(ct => Client.ListAsync(ct));
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            WriteVerbose($"{target}: could not read its last failure: {ex.Message}");
            return failure;
        }

        return FailureMapping.WithLastFailure(failure, jobs, target.Name, target.Instance);
    }

    private int ProgressId => GetType().Name.GetHashCode(StringComparison.Ordinal) & 0x7fff;

    /// <summary>KEY=VALUE list for a request about <paramref name="target"/>: the user's, else the one that names its instance.</summary>
    internal IReadOnlyList<string> EnvironmentFor(JobTarget target, IReadOnlyList<string> given)
    {
        if (given.Count > 0 || target.Instance.Length == 0)
        {
            return given;
        }

        var template = ConfigurationOf(target.Name).Instance;
        return InstanceEnvironment.Derive(template, target.Instance) is { } entry
            ? [entry]
            : throw new ArgumentException(
                $"Cannot tell which environment selects instance '{target.Instance}' of '{target.Name}' (instance stanza '{template}'): pass it with -Environment.");
    }

    /// <summary>The job's definition as the daemon holds it (its `instance` stanza and `env` defaults), read once per command.</summary>
    internal JobConfigInfo ConfigurationOf(string job)
    {
        if (!_configurations.TryGetValue(job, out var configuration))
        {
            configuration = Call(ct => Client.ShowConfigAsync(job, ct));
            _configurations[job] = configuration;
        }

        return configuration;
    }

    /// <summary>
    /// Parses -Environment once, before any record: it is not bound from the pipeline, so a bad entry
    /// would fail every job alike and terminates (ErrorId InvalidEnvironment).
    /// </summary>
    internal IReadOnlyList<string> ParseEnvironment(object[] environment)
    {
        try
        {
            return EnvironmentArguments.Parse(environment.Select(e => e is PSObject o ? o.BaseObject : e));
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "InvalidEnvironment", ErrorCategory.InvalidArgument, environment));
            throw; // Unreachable: ThrowTerminatingError throws.
        }
    }

    private void RefuseRemoteJob(string computer)
    {
        var names = string.Join(", ", Name.Select(n => $"'{n}'"));
        var verb = MyInvocation.MyCommand.Name;
        var message = $"Job {names} came from {computer} (PSComputerName), but {verb} acts on this computer's daemon. " +
            $"Act where the job runs: Invoke-Command -HostName {computer} {{ {verb} -Name {names} }}.";
        // The job as it arrived (its name, instance and computer): what the record is about, not the computer alone.
        var job = new PSObject();
        job.Properties.Add(new PSNoteProperty("Name", Name.Length == 1 ? Name[0] : Name));
        job.Properties.Add(new PSNoteProperty("Instance", Instance ?? ""));
        job.Properties.Add(new PSNoteProperty("PSComputerName", computer));
        WriteError(new ErrorRecord(new InvalidOperationException(message), "JobFromAnotherComputer", ErrorCategory.InvalidOperation, job));
    }

    private void ActOn(JobTarget target)
    {
        JobInfo? info;
        try
        {
            info = Act(target);
        }
        catch (UpstartException ex) when (IsAlreadyDone(ex.Code, target))
        {
            WriteVerbose($"{target}: {ex.Message}");
            info = null;
        }
        catch (UpstartException ex) when (ex.CheckFailure is { } check)
        {
            // The job's pre-restart check refused a restart or reload: its status and lines go in the record.
            WriteError(CheckFailureRecord.Describe(ex, check).ToErrorRecord());
            return;
        }
        catch (TimeoutException ex) when (TimedOut(target) is { } timedOut)
        {
            Report(timedOut, target.ToString(), target.Name, ex);
            return;
        }
        catch (UpstartException ex) when (ex.Code == UpstartErrorCode.JobFailedToStart)
        {
            // initctl's "Job failed to start" alone does not say why: the job's LastFailure does.
            ReportException(WithLastFailure(ex, target), target.Name, target.ToString());
            return;
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            ReportException(ex, target.Name, target.ToString());
            return;
        }

        if (PassThru && (info is not null ? new UpstartJob(info) : Refresh(target)) is { } job)
        {
            WriteObject(job);
        }
    }
}
