using System.Management.Automation;
using UpstartPS.Arguments;
using UpstartPS.Errors;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

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

    /// <summary>True when the daemon's refusal means the job is already where the action would put it.</summary>
    internal virtual bool IsAlreadyDone(UpstartErrorCode code, JobTarget target) => false;

    protected override void ProcessRecord()
    {
        if (!string.IsNullOrEmpty(PSComputerName))
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

        var progress = targets.Count > 1 ? new ProgressRecord(GetType().Name.GetHashCode(StringComparison.Ordinal) & 0x7fff, ProgressActivity, " ") : null;
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (progress is not null)
            {
                progress.StatusDescription = $"{target} ({i + 1} of {targets.Count})";
                progress.PercentComplete = i * 100 / targets.Count;
                WriteProgress(progress);
            }

            if (ShouldProcess(target.ToString(), ActionText))
            {
                ActOn(target);
            }
        }

        if (progress is not null)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

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
        WriteError(new ErrorRecord(new InvalidOperationException(message), "JobFromAnotherComputer", ErrorCategory.InvalidOperation, computer));
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
