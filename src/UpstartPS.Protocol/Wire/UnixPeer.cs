using System.Buffers.Binary;
using System.Net.Sockets;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// SO_PEERCRED of a connected Unix socket: the pid, uid and gid the kernel recorded for the other end
/// (socket(7), unix(7)). Nothing the peer sends can forge it. Both halves of the protocol read it: the
/// server to decide what a client may do, the client to name the daemon's process.
/// </summary>
internal static class UnixPeer
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>struct ucred { pid_t pid; uid_t uid; gid_t gid; } in host byte order; false where the option is not available.</summary>
    public static bool TryRead(Socket socket, out int pid, out uint uid, out uint gid)
    {
        ArgumentNullException.ThrowIfNull(socket);
        pid = 0;
        uid = gid = 0;
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) < ucred.Length)
            {
                return false;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        pid = BinaryPrimitives.ReadInt32LittleEndian(ucred);
        uid = BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]);
        gid = BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]);
        if (!BitConverter.IsLittleEndian)
        {
            pid = BinaryPrimitives.ReverseEndianness(pid);
            uid = BinaryPrimitives.ReverseEndianness(uid);
            gid = BinaryPrimitives.ReverseEndianness(gid);
        }

        return true;
    }
}
