using System.Management.Automation;
using UpstartPS.Completion;

namespace UpstartPS.Commands;

/// <summary>show-config: each job's effective definition, with where every stanza came from (.conf or .override).</summary>
[Cmdlet(VerbsCommon.Get, "UpstartJobConfiguration", DefaultParameterSetName = NameSet)]
[OutputType(typeof(UpstartJobConfiguration))]
public sealed class GetUpstartJobConfigurationCommand : JobCommandBase
{
    // A definition belongs to the job, not to each instance: `Get-UpstartJob worker | Get-UpstartJobConfiguration`
    // sends one record per instance, and writes the job's configuration once.
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Of the jobs -Name or -InputObject selects, only those whose job name matches one of these; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Include { get; set; }

    /// <summary>Of the jobs -Name or -InputObject selects, leave out those whose job name matches one of these; wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Exclude { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in ResolveTargets(include: Include, exclude: Exclude).Select(t => t.Name).Where(_written.Add))
        {
            var config = TryCall(name, ct => Client.ShowConfigAsync(name, ct));
            if (config is not null)
            {
                WriteObject(new UpstartJobConfiguration(config));
            }
        }
    }
}
