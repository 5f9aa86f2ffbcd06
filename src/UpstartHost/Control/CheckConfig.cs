using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Loading;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>
/// `initctl check-config` over the loaded jobs: the job-file library's condition analysis, with this
/// daemon's boot events counted as emitted (the daemon emits them itself).
/// </summary>
public static class CheckConfig
{
    /// <param name="warnAll">`check-config -w`: report every unreachable operand, also on a side of an `or` the other side satisfies.</param>
    public static IReadOnlyList<CheckConfigItem> Run(JobCatalog catalog, IEnumerable<string> bootEvents, IEnumerable<string>? ignored, bool warnAll = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(bootEvents);
        return [.. ConditionAnalyzer.Analyze(catalog, bootEvents.Concat(ignored ?? []), warnAll)
            .Select(p => new CheckConfigItem(p.Job, p.Stanza, p.IsJob ? "job" : "event", p.Name))];
    }
}
