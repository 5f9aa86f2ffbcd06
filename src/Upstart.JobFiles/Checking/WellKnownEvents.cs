using Upstart.JobFiles.Events.Matching;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// Events no job needs to declare in `emits` (UPSTART.md §e): those init emits itself, the job events,
/// those this daemon emits beyond Upstart, and those the usual Ubuntu system components emit (mountall,
/// upstart-udev-bridge, ifupdown and the bridges), as fnmatch patterns.
/// </summary>
public static class WellKnownEvents
{
    /// <summary>
    /// The events this daemon emits and Upstart 1.13 never does (docs/engine.md "Beyond Upstart: process events",
    /// docs/beyond-upstart.md): `check --upstart-compatible` warns about a condition on them. Declared before
    /// <see cref="Patterns"/>, which takes them in: static initialisers run in this order.
    /// </summary>
    public static IReadOnlyList<string> EmittedBeyondUpstart { get; } = ["process-exited", "respawning", "respawn-limit-reached", "restart-refused"];

    public static IReadOnlyList<string> Patterns { get; } =
    [
        // init itself
        "startup", "starting", "started", "stopping", "stopped", "control-alt-delete", "keyboard-request",
        "power-status-changed", "session-end", "child-subreaper-failed", "*/failed",

        // this daemon, beyond Upstart: a job that alerts on them must not read as waiting for an event nothing emits
        .. EmittedBeyondUpstart,

        // telinit / shutdown
        "runlevel",

        // mountall
        "mounting", "mounted", "virtual-filesystems", "local-filesystems", "remote-filesystems", "all-swaps",
        "filesystem",

        // upstart-udev-bridge: SUBSYSTEM-device-added|changed|removed
        "*-device-added", "*-device-changed", "*-device-removed",

        // ifupdown
        "net-device-up", "net-device-down", "static-network-up",

        // socket, file, dbus and dconf bridges; system events forwarded into sessions
        "socket", "file", "dbus", "dconf", ":sys:*",
    ];

    /// <summary>The job events whose first argument (or JOB=) names another job.</summary>
    public static IReadOnlyList<string> JobEvents { get; } = ["starting", "started", "stopping", "stopped"];

    public static bool IsWellKnown(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        foreach (var pattern in Patterns)
        {
            if (Fnmatch.IsMatch(pattern, eventName))
            {
                return true;
            }
        }

        return false;
    }
}
