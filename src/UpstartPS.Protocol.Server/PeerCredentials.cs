using System.Net.Sockets;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>Who is on the other end of an accepted connection, as the kernel recorded it (<see cref="UnixPeer"/>).</summary>
public static class PeerCredentials
{
    /// <summary>Throws <see cref="SocketException"/> (ProtocolOption) when the kernel does not say: no identity, no service.</summary>
    public static ClientIdentity Read(Socket socket) =>
        UnixPeer.TryRead(socket, out var pid, out var uid, out var gid)
            ? new ClientIdentity(pid, uid, gid)
            : throw new SocketException((int)SocketError.ProtocolOption);
}
