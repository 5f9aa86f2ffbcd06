using System.Net.Sockets;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// The daemon's pid as the kernel recorded it when it accepted our connection (<see cref="UnixPeer"/>): the
/// protocol does not carry it, and the kernel's word cannot be forged. A re-exec keeps it (same process).
/// </summary>
internal static class PeerProcess
{
    /// <summary>Null where the kernel does not say.</summary>
    public static int? Id(Socket socket) => UnixPeer.TryRead(socket, out var pid, out _, out _) && pid > 0 ? pid : null;
}
