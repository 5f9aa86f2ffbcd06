using System.Net;
using System.Net.Sockets;
using System.Text;

namespace UpstartHost.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: reads NOTIFY_SOCKET once (and unsets it, so jobs never inherit it)
/// and sends datagrams such as READY=1, STATUS=…, STOPPING=1, WATCHDOG=1. Outside systemd it does
/// nothing. Modelled on Microsoft.Extensions.Hosting.Systemd's notifier, which is not in our feed.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? socket;
    private readonly EndPoint? endPoint;
    private readonly Lock sendLock = new();

    public SystemdNotifier(string? notifySocket, string? watchdogUsec)
    {
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        // A leading '@' names an abstract socket (sd_notify(3)).
        var path = notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket;
        if (path[0] != '/' && path[0] != '\0')
        {
            return;
        }

        endPoint = new UnixDomainSocketEndPoint(path);
        socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (long.TryParse(watchdogUsec, out var usec) && usec > 0)
        {
            WatchdogInterval = TimeSpan.FromTicks(usec * 10);
        }
    }

    /// <summary>From the process environment; NOTIFY_SOCKET and WATCHDOG_* are removed so children do not see them.</summary>
    public static SystemdNotifier FromEnvironment()
    {
        var notifier = new SystemdNotifier(
            Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
            WatchdogFor(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID")));
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", null);
        Environment.SetEnvironmentVariable("WATCHDOG_USEC", null);
        Environment.SetEnvironmentVariable("WATCHDOG_PID", null);
        return notifier;
    }

    /// <summary>True when running as a systemd service with a notify socket.</summary>
    public bool IsEnabled => socket is not null;

    /// <summary>systemd's WatchdogSec, when set for this process; pings go at half this interval.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>Sends one state string (lines KEY=VALUE); failures are ignored, as sd_notify's callers do.</summary>
    public void Notify(string state)
    {
        if (socket is null || endPoint is null)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(state);
        lock (sendLock)
        {
            try
            {
                socket.SendTo(bytes, endPoint);
            }
            catch (SocketException)
            {
                // systemd went away or the socket is full: nothing useful to do.
            }
        }
    }

    public void Ready(string status) => Notify("READY=1\nSTATUS=" + OneLine(status));

    public void Status(string status) => Notify("STATUS=" + OneLine(status));

    public void Stopping(string status) => Notify("STOPPING=1\nSTATUS=" + OneLine(status));

    public void Watchdog() => Notify("WATCHDOG=1");

    public void Dispose() => socket?.Dispose();

    private static string? WatchdogFor(string? usec, string? pid) =>
        pid is null || (int.TryParse(pid, out var p) && p == Environment.ProcessId) ? usec : null;

    private static string OneLine(string text) => text.Replace('\n', ' ');
}
