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

    public static string Describe(SocketException error) => error.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable => "no such socket",
        SocketError.ConnectionRefused => "connection refused (no daemon is listening; the socket may be stale)",
        SocketError.AccessDenied => "permission denied",
        _ => error.Message,
    };
}
