using System.Buffers.Binary;
using System.Net.Sockets;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// The daemon's pid as the kernel recorded it when it accepted our connection (SO_PEERCRED, unix(7)): the
/// protocol does not carry it, and the kernel's word cannot be forged. A re-exec keeps it (same process).
/// </summary>
internal static class PeerProcess
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The first field of struct ucred (pid_t, host byte order); null where the option is not available.</summary>
    public static int? Id(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < sizeof(int))
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        var pid = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadInt32LittleEndian(ucred) : BinaryPrimitives.ReadInt32BigEndian(ucred);
        return pid > 0 ? pid : null;
    }
}
