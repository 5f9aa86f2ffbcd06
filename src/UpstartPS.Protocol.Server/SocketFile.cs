using System.Net.Sockets;

namespace UpstartPS.Protocol.Server;

/// <summary>Creating the socket file safely: its directory, a stale socket left by a crash, and the file's mode.</summary>
internal static class SocketFile
{
    private const UnixFileMode SystemDirectoryMode = (UnixFileMode)0b111_101_101; // 0755
    private const UnixFileMode SessionDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute; // 0700
    private const UnixFileMode SystemSocketMode = (UnixFileMode)0b110_110_110; // 0666: who may do what is decided by SO_PEERCRED
    private const UnixFileMode SessionSocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // 0600

    public static Socket Listen(ControlServerOptions options)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The control socket relies on Unix file modes and SO_PEERCRED");
        }

        var path = options.SocketPath;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            var mode = options.DirectoryMode ?? (options.Mode == DaemonMode.System ? SystemDirectoryMode : SessionDirectoryMode);
            Directory.CreateDirectory(directory, mode);
        }

        RemoveStale(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));

            // bind() created the file under the umask (at most 0755 with the usual 022: only we can connect
            // until now), so there is no window in which it is more open than intended.
            File.SetUnixFileMode(path, options.SocketMode ?? (options.Mode == DaemonMode.System ? SystemSocketMode : SessionSocketMode));
            listener.Listen(512);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public static void Remove(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else's now, or already gone.
        }
    }

    /// <summary>A socket file nobody listens on is left over from a crash; one somebody answers on is another daemon.</summary>
    private static void RemoveStale(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            File.Delete(path);
            return;
        }

        throw new InvalidOperationException($"Another daemon is already listening on {path}");
    }
}
