using System.Management.Automation;

namespace UpstartPS.Commands;

/// <summary>show-config: each job's effective definition, with where every stanza came from (.conf or .override).</summary>
[Cmdlet(VerbsCommon.Get, "UpstartJobConfiguration", DefaultParameterSetName = NameSet)]
[OutputType(typeof(UpstartJobConfiguration))]
public sealed class GetUpstartJobConfigurationCommand : JobCommandBase
{
    // A definition belongs to the job, not to each instance: `Get-UpstartJob worker | Get-UpstartJobConfiguration`
    // sends one record per instance, and writes the job's configuration once.
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        foreach (var name in ResolveTargets().Select(t => t.Name).Where(_written.Add))
        {
            var config = TryCall(name, ct => Client.ShowConfigAsync(name, ct));
            if (config is not null)
            {
                WriteObject(new UpstartJobConfiguration(config));
            }
        }
    }
}
