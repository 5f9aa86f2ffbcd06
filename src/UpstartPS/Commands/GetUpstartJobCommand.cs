using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Errors;
using UpstartPS.Matching;

namespace UpstartPS.Commands;

/// <summary>status(8) and list(8): every job instance, or those whose names match, as UpstartJob objects.</summary>
[Cmdlet(VerbsCommon.Get, "UpstartJob")]
[OutputType(typeof(UpstartJob))]
public sealed class GetUpstartJobCommand : UpstartCommandBase
{
    /// <summary>Job names; wildcards allowed; all jobs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName", "Job")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[] Name { get; set; } = ["*"];

    /// <summary>Only this instance; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceCompleter))]
    public string? Instance { get; set; }

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

    /// <summary>Only jobs in one of these states.</summary>
    [Parameter]
    [ValidateSet("waiting", "starting", "security", "pre-start", "spawned", "post-start", "running", "pre-stop", "stopping", "killed", "post-stop")]
    public string[]? State { get; set; }

    protected override void ProcessRecord()
    {
        var jobs = Call(ct => Client.ListAsync(ct));
        var selection = JobSelection.Select(jobs, Name, Instance, State, Include, Exclude);
        foreach (var missing in selection.NotFound)
        {
            Report(FailureMapping.JobNotFound(missing), missing, missing);
        }

        foreach (var missing in selection.MissingInstances)
        {
            Report(FailureMapping.InstanceNotFound(missing.Job, missing.Instance), missing.Instance, missing.Job);
        }

        foreach (var job in selection.Jobs)
        {
            WriteObject(new UpstartJob(job));
        }
    }
}
