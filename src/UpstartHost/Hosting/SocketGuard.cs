using System.Net.Sockets;

namespace UpstartHost.Hosting;

/// <summary>Refuses to start a second daemon on a live socket, and clears a stale socket file left by a crash.</summary>
public static class SocketGuard
{
    public static void ClaimPath(string socketPath)
    {
        ArgumentNullException.ThrowIfNull(socketPath);
        if (!File.Exists(socketPath))
        {
            return;
        }

        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(socketPath));
                throw new HostUsageException($"{socketPath}: another daemon is already listening");
            }
            catch (SocketException)
            {
                // Nobody listening: a leftover from a daemon that died.
            }
        }

        if (new FileInfo(socketPath).LinkTarget is not null)
        {
            throw new HostUsageException($"{socketPath}: is a symbolic link, refusing to replace it");
        }

        File.Delete(socketPath);
    }
}
