using System.Management.Automation;

namespace UpstartPS.Commands;

/// <summary>show-config: each job's effective definition, with where every stanza came from (.conf or .override).</summary>
[Cmdlet(VerbsCommon.Get, "UpstartJobConfiguration", DefaultParameterSetName = NameSet)]
[OutputType(typeof(UpstartJobConfiguration))]
public sealed class GetUpstartJobConfigurationCommand : JobCommandBase
{
    protected override void ProcessRecord()
    {
        foreach (var name in ResolveTargets().Select(t => t.Name).Distinct(StringComparer.Ordinal))
        {
            var config = TryCall(name, ct => Client.ShowConfigAsync(name, ct));
            if (config is not null)
            {
                WriteObject(new UpstartJobConfiguration(config));
            }
        }
    }
}
