using System.Runtime.InteropServices;

namespace UpstartHost.Hosting;

/// <summary>Creates the daemon's own directories with safe modes before anything is written to them.</summary>
public static partial class DaemonDirectories
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// The socket's directory: a session's fallback /tmp/upstartps-UID must be ours and 0700, or someone
    /// else could have planted it to intercept the socket; the system one is world-searchable so anyone may read.
    /// </summary>
    public static void PrepareSocketDirectory(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dir = Path.GetDirectoryName(settings.SocketPath)!;
        var mode = settings.Authorization == AuthorizationMode.Session ? Private : Shared;
        Directory.CreateDirectory(dir, mode);
        var info = new DirectoryInfo(dir);
        if (info.LinkTarget is not null)
        {
            throw new HostUsageException($"{dir}: socket directory is a symbolic link");
        }

        if (OwnerOf(dir) != geteuid())
        {
            throw new HostUsageException($"{dir}: socket directory belongs to another user");
        }

        if (settings.Authorization == AuthorizationMode.Session && (info.UnixFileMode & ~Private) != 0)
        {
            File.SetUnixFileMode(dir, Private);
        }
    }

    /// <summary>Log and state directories: created if missing (0755 logs as Upstart, 0700 state).</summary>
    public static void PrepareDataDirectories(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(settings.LogDir, Shared);
        Directory.CreateDirectory(settings.StateDir, Private);
    }

    internal static uint OwnerOf(string path)
    {
        if (stat(path, out var st) != 0)
        {
            throw new HostUsageException($"{path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        return st.Uid;
    }

    [LibraryImport("libc")]
    internal static partial uint geteuid();

    [LibraryImport("libc")]
    internal static partial uint getegid();

    // The glibc x86-64 `struct stat` layout: only the owner is needed.
    [StructLayout(LayoutKind.Sequential)]
    private struct StatBuffer
    {
        public ulong Dev;
        public ulong Ino;
        public ulong Nlink;
        public uint Mode;
        public uint Uid;
        public uint Gid;
        private readonly int pad0;
        public ulong Rdev;
        public long Size;
        public long Blksize;
        public long Blocks;
        public long Atime;
        public long AtimeNsec;
        public long Mtime;
        public long MtimeNsec;
        public long Ctime;
        public long CtimeNsec;
        private readonly long reserved0;
        private readonly long reserved1;
        private readonly long reserved2;
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, out StatBuffer buffer);
}
