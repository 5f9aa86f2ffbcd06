using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Errors;
using UpstartPS.Matching;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// check-config, asked of the running daemon: one UpstartJobConfigurationProblem per `start on` / `stop on`
/// condition of a loaded job that waits for an event nothing emits or on a job that does not exist; nothing when
/// all can be satisfied. The daemon answers for every job; -Name, -Include and -Exclude pick jobs with
/// Get-UpstartJob's rules. -Quiet writes one bool for the whole command instead, $true when there is nothing to
/// report: one, not one per piped name, because `if (Test-UpstartJobConfiguration -Quiet)` takes any array of two
/// or more values, two $false included, as true.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "UpstartJobConfiguration")]
[OutputType(typeof(UpstartJobConfigurationProblem), typeof(bool))]
public sealed class TestUpstartJobConfigurationCommand : UpstartCommandBase
{
    // Each job's problems are written once, however many of its instances are piped in (Get-UpstartJob worker | …).
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private IReadOnlyList<JobInfo>? _jobs;
    private IReadOnlyList<CheckConfigItem>? _problems;
    private bool _clean = true;

    /// <summary>Job names; wildcards allowed; all jobs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName", "Job")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[] Name { get; set; } = ["*"];

    /// <summary>Of the jobs -Name selects, only those whose job name matches one of these; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Include { get; set; }

    /// <summary>Of the jobs -Name selects, leave out those whose job name matches one of these; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Exclude { get; set; }

    /// <summary>Events to count as emitted although no job emits them (initctl check-config -i); fnmatch patterns, as `emits`.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    public string[]? IgnoreEvent { get; set; }

    /// <summary>Report every condition nothing can satisfy, also one side of an `or` whose other side can be (initctl check-config -w).</summary>
    [Parameter]
    public SwitchParameter WarnAll { get; set; }

    /// <summary>Write one $true (nothing to report) or $false instead of the problems.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        // One question each for the whole pipeline: the answer is about every job, and names piped in only pick from it.
        _jobs ??= Call(ct => Client.ListAsync(ct));
        var selection = JobSelection.Select(_jobs, Name, include: Include, exclude: Exclude);
        foreach (var missing in selection.NotFound)
        {
            // initctl check-config JOB: "Invalid job class", not a clean bill of health.
            _clean = false;
            Report(FailureMapping.JobNotFound(missing), missing, missing);
        }

        var selected = selection.Jobs.Select(j => j.Name).ToHashSet(StringComparer.Ordinal);
        _problems ??= Call(ct => Client.CheckConfigAsync(IgnoreEvent ?? [], WarnAll, ct));
        foreach (var problem in _problems.Where(p => selected.Contains(p.Job)))
        {
            _clean = false;
            if (!Quiet && !_written.Contains(problem.Job))
            {
                WriteObject(new UpstartJobConfigurationProblem(problem));
            }
        }

        _written.UnionWith(selected);
    }

    protected override void EndProcessing()
    {
        if (Quiet)
        {
            WriteObject(_clean);
        }
    }
}
