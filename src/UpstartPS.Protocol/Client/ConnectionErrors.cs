using System.Net.Sockets;

namespace UpstartPS.Protocol.Client;

/// <summary>How every client words a failure to reach the daemon, so the module and upstartctl say the same thing.</summary>
internal static class ConnectionErrors
{
    public static UpstartException NotConnected(string path, string reason, Exception? inner = null) =>
        new(
            UpstartErrorCode.NotConnected,
            $"Unable to connect to the UpstartPS daemon at {path}: {reason}. "
            + "Is it running? Start the system daemon with `systemctl start upstartps`, or a session daemon with `upstart-host --session`; "
            + $"set ${ControlSocketPaths.EnvironmentVariable} to use another socket.",
            inner);

    /// <summary>
    /// Null when a daemon whose process runs as <paramref name="daemonUid"/> may be spoken to: a system daemon runs as
    /// root and a session daemon as its user, who alone may use it, so any other uid is someone else's program on a
    /// socket path this user may take for its own (`/tmp/upstartps-UID` can be made by anyone first). Otherwise the
    /// refusal, thrown before the hello or any request is sent.
    /// </summary>
    public static UpstartException? NotOurDaemon(string path, uint daemonUid, uint ownUid) =>
        daemonUid == 0 || daemonUid == ownUid
            ? null
            : new(
                UpstartErrorCode.UntrustedDaemon,
                $"Refusing the daemon at {path}: its process runs as uid {daemonUid}, neither root nor you (uid {ownUid}), "
                + "so it may be another user's program waiting for your commands; nothing was sent. "
                + $"Remove that socket, or name the right one (upstartctl --socket or --system, a cmdlet's -SocketPath, or ${ControlSocketPaths.EnvironmentVariable}).");

    public static string Describe(SocketException error) => error.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable => "no such socket",
        SocketError.ConnectionRefused => "connection refused (no daemon is listening; the socket may be stale)",
        SocketError.AccessDenied => "permission denied",
        _ => error.Message,
    };
}
