using Upstart.JobFiles.Events.Matching;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// Events no job needs to declare in `emits` (UPSTART.md §e): those init emits itself, the job events,
/// those this daemon emits beyond Upstart, and those the usual Ubuntu system components emit (mountall,
/// upstart-udev-bridge, ifupdown and the bridges), as fnmatch patterns. The static initialisers run in the
/// order declared: each list is declared before the lists that take it in.
/// </summary>
public static class WellKnownEvents
{
    /// <summary>
    /// The events this daemon emits and Upstart 1.13 never does (docs/engine.md "Beyond Upstart: process events",
    /// docs/beyond-upstart.md): `check --upstart-compatible` warns about a condition on them. Declared before
    /// <see cref="Patterns"/>, which takes them in: static initialisers run in this order.
    /// </summary>
    public static IReadOnlyList<string> EmittedBeyondUpstart { get; } = ["process-exited", "respawning", "respawn-limit-reached", "restart-refused"];

    /// <summary>
    /// What init emits itself, whatever its host (initctl's IS_INIT_EVENT, which check-config never reports, and the
    /// failed-event rule), and what this daemon emits beyond Upstart.
    /// </summary>
    public static IReadOnlyList<string> EmittedByInit { get; } =
    [
        "startup", "debug", "starting", "started", "stopping", "stopped", "control-alt-delete", "keyboard-request",
        "power-status-changed", "session-end", "child-subreaper-failed", "*/failed",

        // this daemon, beyond Upstart: a job that alerts on them must not read as waiting for an event nothing emits
        .. EmittedBeyondUpstart,
    ];

    /// <summary>
    /// What the other programs of an Upstart host emit (telinit, mountall, upstart-udev-bridge, ifupdown, the
    /// bridges), and their job files declare with `emits` there. A running UpstartPS daemon knows whether anything
    /// emits them here (<see cref="ConditionAnalyzer"/>, `check-config`); a job file checked on its own assumes so.
    /// </summary>
    public static IReadOnlyList<string> EmittedBySystemComponents { get; } =
    [
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

    public static IReadOnlyList<string> Patterns { get; } = [.. EmittedByInit, .. EmittedBySystemComponents];

    /// <summary>The job events whose first argument (or JOB=) names another job.</summary>
    public static IReadOnlyList<string> JobEvents { get; } = ["starting", "started", "stopping", "stopped"];

    public static bool IsWellKnown(string eventName) => Matches(Patterns, eventName);

    /// <summary>Init's own events and this daemon's (<see cref="EmittedByInit"/>), not the system components'.</summary>
    public static bool IsEmittedByInit(string eventName) => Matches(EmittedByInit, eventName);

    private static bool Matches(IReadOnlyList<string> patterns, string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        foreach (var pattern in patterns)
        {
            if (Fnmatch.IsMatch(pattern, eventName))
            {
                return true;
            }
        }

        return false;
    }
}
