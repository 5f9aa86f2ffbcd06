using System.Net.Sockets;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace UpstartHost.Hosting;

/// <summary>
/// sd_notify(3) as systemd's own daemons use it: a message the service manager cannot receive (its socket gone,
/// its queue full, a container manager that exited) is logged and dropped, never thrown. The library's
/// <see cref="SystemdNotifier"/> throws, and a throw from STOPPING=1 made a clean stop exit with status 1.
/// </summary>
internal sealed partial class TolerantNotifier(ISystemdNotifier inner, ILogger<TolerantNotifier> logger) : ISystemdNotifier
{
    private int _failuresLogged;

    public bool IsEnabled => inner.IsEnabled;

    public void Notify(ServiceState state)
    {
        try
        {
            inner.Notify(state);
        }
        catch (SocketException ex)
        {
            // Once is enough to tell the operator; a watchdog ping every few seconds must not flood the log.
            if (Interlocked.Exchange(ref _failuresLogged, 1) == 0)
            {
                LogFailed(logger, ex.SocketErrorCode, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The service manager's notify socket did not take a message ({Error}); the daemon runs on, and later failures are not logged")]
    private static partial void LogFailed(ILogger logger, SocketError error, Exception exception);
}
