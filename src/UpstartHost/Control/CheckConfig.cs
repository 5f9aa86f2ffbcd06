using Upstart.JobFiles.Events;
using Upstart.JobFiles.Loading;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>
/// `initctl check-config`: conditions no event could ever satisfy. An operand naming a job event
/// (starting/started/stopping/stopped JOB) must name a known job; any other event must be emitted by
/// some job (`emits`), be built in, be in the boot sequence, or be in the ignored list.
/// </summary>
public static class CheckConfig
{
    /// <summary>Events init (or this daemon) emits itself (UPSTART.md §e), never reported.</summary>
    public static readonly IReadOnlySet<string> BuiltInEvents = new HashSet<string>(StringComparer.Ordinal)
    {
        "startup", "starting", "started", "stopping", "stopped", "runlevel", "control-alt-delete",
        "keyboard-request", "power-status-changed", "session-end", "child-subreaper-failed",
        "virtual-filesystems", "local-filesystems", "remote-filesystems", "filesystem", "static-network-up",
        "all-swaps", "mounting", "mounted", "net-device-up", "net-device-down", "net-device-added", "net-device-removed",
    };

    private static readonly HashSet<string> JobEvents = new(StringComparer.Ordinal) { "starting", "started", "stopping", "stopped" };

    public static IReadOnlyList<CheckConfigItem> Run(JobCatalog catalog, IEnumerable<string> bootEvents, IEnumerable<string>? ignored)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var known = new HashSet<string>(BuiltInEvents, StringComparer.Ordinal);
        known.UnionWith(bootEvents);
        known.UnionWith(ignored ?? []);
        foreach (var job in catalog.Jobs.Values)
        {
            known.UnionWith(job.Emits);
        }

        var items = new List<CheckConfigItem>();
        foreach (var job in catalog.Jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal))
        {
            Check(job.Name, "start on", job.StartOn);
            Check(job.Name, "stop on", job.StopOn);
        }

        return items;

        void Check(string job, string stanza, EventExpression? expression)
        {
            foreach (var match in Operands(expression))
            {
                if (JobEvents.Contains(match.Name))
                {
                    var target = match.Arguments.FirstOrDefault(a => !a.Contains('=', StringComparison.Ordinal))
                        ?? match.Arguments.Where(a => a.StartsWith("JOB=", StringComparison.Ordinal)).Select(a => a[4..]).FirstOrDefault();
                    if (target is not null && !target.Contains('$', StringComparison.Ordinal)
                        && !catalog.Jobs.ContainsKey(target) && !HasWildcard(target))
                    {
                        items.Add(new CheckConfigItem(job, stanza, "job", target));
                    }
                }
                else if (!known.Contains(match.Name) && !HasWildcard(match.Name)
                    && !known.Any(k => k.Contains('*', StringComparison.Ordinal) && System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(k, match.Name, ignoreCase: false)))
                {
                    items.Add(new CheckConfigItem(job, stanza, "event", match.Name));
                }
            }
        }
    }

    private static bool HasWildcard(string s) => s.AsSpan().IndexOfAny("*?[") >= 0;

    private static IEnumerable<EventMatch> Operands(EventExpression? e) => e switch
    {
        EventMatch m => [m],
        EventAnd a => Operands(a.Left).Concat(Operands(a.Right)),
        EventOr o => Operands(o.Left).Concat(Operands(o.Right)),
        _ => [],
    };
}
