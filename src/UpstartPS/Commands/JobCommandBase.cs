using System.Management.Automation;
using UpstartPS.Completion;
using UpstartPS.Errors;
using UpstartPS.Matching;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Commands;

/// <summary>
/// The second rung: which jobs a command acts on. Names (wildcards allowed) bind from the pipeline by
/// value and by property name, so strings, Import-Csv rows and deserialized jobs from remoting all
/// work; UpstartJob objects bind whole through -InputObject. Get-Service's rules: a wildcard that
/// matches nothing is silent, a literal name that matches nothing is a NoJobFoundForGivenName error.
/// </summary>
public abstract class JobCommandBase : UpstartCommandBase
{
    protected const string NameSet = "Name";
    protected const string InputObjectSet = "InputObject";

    /// <summary>Job names; wildcards select every matching job.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName", "Job")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Only this instance (for jobs with an `instance` stanza); wildcards allowed.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceCompleter))]
    public string? Instance { get; set; }

    /// <summary>Jobs as Get-UpstartJob returns them.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public UpstartJob[] InputObject { get; set; } = [];

    /// <summary>
    /// The targets of the current pipeline record. With <paramref name="perJob"/> one target per job
    /// name (starting ignores instances: the environment names the instance); otherwise one per instance.
    /// </summary>
    /// <param name="perJob">One target per job name.</param>
    /// <param name="pastInstances">
    /// A literal -Instance the job does not have now is still a target (a stopped instance's log remains), not an error.
    /// </param>
    /// <param name="include">-Include of the cmdlets that have it (<see cref="JobNameFilter"/>); null for none.</param>
    /// <param name="exclude">-Exclude of the cmdlets that have it; null for none.</param>
    internal IReadOnlyList<JobTarget> ResolveTargets(
        bool perJob = false, bool pastInstances = false, string[]? include = null, string[]? exclude = null)
    {
        IEnumerable<JobTarget> targets;
        if (ParameterSetName == InputObjectSet)
        {
            targets = InputObject.Select(j => new JobTarget(j.Name, j.Instance));
            if (include is not null || exclude is not null)
            {
                // Get-Service filters piped services too. A literal pattern is resolved among the daemon's jobs, as -Name's is.
                var known = Call(ct => Client.ListAsync(ct)).Select(j => j.Name).Concat(InputObject.Select(j => j.Name));
                var filter = new JobNameFilter(include, exclude, known);
                targets = targets.Where(t => filter.Admits(t.Name)).ToList();
            }
        }
        else
        {
            var jobs = Call(ct => Client.ListAsync(ct));
            var selection = JobSelection.Select(jobs, Name, Instance, include: include, exclude: exclude);
            foreach (var missing in selection.NotFound)
            {
                Report(FailureMapping.JobNotFound(missing), missing, missing);
            }

            targets = selection.Jobs.Select(j => new JobTarget(j.Name, j.Instance));
            if (pastInstances)
            {
                targets = targets.Concat(selection.MissingInstances.Select(m => new JobTarget(m.Job, m.Instance)));
            }
            else
            {
                ReportMissingInstances(selection);
            }
        }

        return perJob
            ? targets.Select(t => t with { Instance = "" }).Distinct().ToList()
            : targets.Distinct().ToList();
    }

    /// <summary>Writes NoInstanceFoundForGivenName for each literal -Instance the job does not have (TargetObject: the instance).</summary>
    internal void ReportMissingInstances(SelectionResult selection)
    {
        foreach (var missing in selection.MissingInstances)
        {
            Report(FailureMapping.InstanceNotFound(missing.Job, missing.Instance), missing.Instance, missing.Job);
        }
    }

    /// <summary>The current state of one target, or null (reported) when it cannot be read.</summary>
    internal UpstartJob? Refresh(JobTarget target)
    {
        // The whole list rather than StatusAsync: a job name is literal and must not be read as a pattern.
        var jobs = TryCall(target.Name, ct => Client.ListAsync(ct));
        var info = jobs?.FirstOrDefault(j => j.Name == target.Name && j.Instance == target.Instance)
            ?? jobs?.FirstOrDefault(j => j.Name == target.Name);
        return info is null ? null : new UpstartJob(info);
    }
}
