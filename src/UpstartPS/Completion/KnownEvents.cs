namespace UpstartPS.Completion;

/// <summary>
/// Events every Upstart system knows (upstart-events(7)): the job lifecycle events the daemon emits
/// itself, and the usual system events, offered by the event-name completer besides the ones jobs emit.
/// </summary>
public static class KnownEvents
{
    public static readonly IReadOnlyList<string> Names =
    [
        "starting", "started", "stopping", "stopped",
        "startup", "runlevel", "filesystem", "local-filesystems", "remote-filesystems", "all-swaps",
        "virtual-filesystems", "mounting", "mounted", "net-device-up", "net-device-down", "net-device-added",
        "net-device-removed", "static-network-up", "socket", "file", "control-alt-delete", "keyboard-request",
        "power-status-changed", "dbus", "session-end",
    ];
}
