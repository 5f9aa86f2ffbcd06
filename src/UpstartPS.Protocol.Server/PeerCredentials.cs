using System.Net.Sockets;
using System.Runtime.InteropServices;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>Who is on the other end of an accepted connection, as the kernel recorded it (<see cref="UnixPeer"/>).</summary>
public static class PeerCredentials
{
    private const int SolSocket = 1;

    /// <summary>SO_PEERGROUPS (Linux 4.13): the supplementary groups the peer had when it connected.</summary>
    private const int SoPeerGroups = 59;

    /// <summary>NGROUPS_MAX: the kernel never reports more.</summary>
    private const int MaxGroups = 65536;

    /// <summary>Throws <see cref="SocketException"/> (ProtocolOption) when the kernel does not say: no identity, no service.</summary>
    public static ClientIdentity Read(Socket socket) =>
        UnixPeer.TryRead(socket, out var pid, out var uid, out var gid)
            ? new ClientIdentity(pid, uid, gid, ReadGroups(socket, pid))
            : throw new SocketException((int)SocketError.ProtocolOption);

    /// <summary>
    /// The groups the kernel captured at connect, like the uid and gid: a pid is only a name, and by the time a
    /// client sends its hello the process that connected may be gone and its pid another process's, which must
    /// not lend the connection its groups. Only a kernel without SO_PEERGROUPS makes this fall back to
    /// /proc/PID/status, read at accept, the earliest moment there is.
    /// </summary>
    internal static IReadOnlyList<uint> ReadGroups(Socket socket, int pid) =>
        TryReadPeerGroups(socket, 64) ?? TryReadPeerGroups(socket, MaxGroups) ?? ClientIdentity.ReadSupplementaryGroups(pid);

    /// <summary>The groups when they fit in <paramref name="capacity"/>; null when they do not, or the kernel has no such option.</summary>
    private static uint[]? TryReadPeerGroups(Socket socket, int capacity)
    {
        var buffer = new byte[capacity * sizeof(uint)];
        int length;
        try
        {
            length = socket.GetRawSocketOption(SolSocket, SoPeerGroups, buffer);
        }
        catch (SocketException)
        {
            // ERANGE (more groups than capacity) or ENOPROTOOPT (a kernel older than 4.13).
            return null;
        }

        // gid_t values in host byte order, as the kernel wrote them.
        return MemoryMarshal.Cast<byte, uint>(buffer.AsSpan(0, length - (length % sizeof(uint)))).ToArray();
    }
}
