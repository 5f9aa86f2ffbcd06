using System.Collections;

namespace UpstartPS.Completion;

/// <summary>
/// Completes the environment cmdlets' -Instance with the running instances of the job -Job names (there -Name
/// is a variable, not a job, so <see cref="InstanceCompleter"/>'s reading of -Name would not do).
/// </summary>
public sealed class EnvironmentInstanceCompleter : DaemonNameCompleter
{
    protected override IEnumerable<string> Candidates(string socket, IDictionary? fakeBoundParameters) =>
        InstanceCompleter.RunningInstances(socket, fakeBoundParameters?["Job"]);
}
