using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Loading;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>
/// `initctl check-config` over the loaded jobs: the job-file library's condition analysis, with the events this
/// daemon emits itself (its boot and shutdown events) counted as emitted, and the events of an Upstart host's other
/// programs (mountall, udev, ifupdown, the bridges) not: nothing here emits them unless a job or the configuration
/// does, so a job waiting for `mounted` is reported instead of waiting for ever in silence (docs/migrating.md).
/// </summary>
public static class CheckConfig
{
    /// <param name="daemonEvents">The names of the events the daemon emits itself (host.json's bootEvents and shutdownEvents).</param>
    /// <param name="warnAll">`check-config -w`: report every unreachable operand, also on a side of an `or` the other side satisfies.</param>
    public static IReadOnlyList<CheckConfigItem> Run(JobCatalog catalog, IEnumerable<string> daemonEvents, IEnumerable<string>? ignored, bool warnAll = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(daemonEvents);
        return [.. ConditionAnalyzer.Analyze(catalog, daemonEvents.Concat(ignored ?? []), warnAll, systemComponentsEmit: false)
            .Select(p => new CheckConfigItem(p.Job, p.Stanza, p.IsJob ? "job" : "event", p.Name))];
    }
}
