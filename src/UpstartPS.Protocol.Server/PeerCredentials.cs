using System.Buffers.Binary;
using System.Net.Sockets;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// Reads SO_PEERCRED from a connected Unix socket: the pid, uid and gid the kernel recorded when the peer
/// called connect(). Clients cannot forge it, unlike anything they send. socket(7), unix(7).
/// </summary>
public static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>struct ucred { pid_t pid; uid_t uid; gid_t gid; } in host byte order.</summary>
    public static ClientIdentity Read(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Span<byte> ucred = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (length < 12)
        {
            throw new SocketException((int)SocketError.ProtocolOption);
        }

        var pid = BinaryPrimitives.ReadInt32LittleEndian(ucred);
        var uid = BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]);
        var gid = BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]);
        if (!BitConverter.IsLittleEndian)
        {
            pid = BinaryPrimitives.ReverseEndianness(pid);
            uid = BinaryPrimitives.ReverseEndianness(uid);
            gid = BinaryPrimitives.ReverseEndianness(gid);
        }

        return new ClientIdentity(pid, uid, gid);
    }
}
