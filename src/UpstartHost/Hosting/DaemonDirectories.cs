using System.Runtime.InteropServices;

namespace UpstartHost.Hosting;

/// <summary>Creates the daemon's own directories with safe modes before anything is written to them.</summary>
public static partial class DaemonDirectories
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// The socket's directory. One the daemon creates gets 0700 (session: a fallback /tmp/upstartps-UID
    /// must be ours alone) or 0755 (system: anyone may read). One that exists already is never chmodded:
    /// `--session --socket /tmp/x.sock` run by root must not lock down /tmp. It must only be safe: owned
    /// by us or root, and not writable by anyone else unless sticky (as /tmp is), or someone else could
    /// replace the socket to intercept clients.
    /// </summary>
    public static void PrepareSocketDirectory(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dir = Path.GetDirectoryName(settings.SocketPath)!;
        Directory.CreateDirectory(dir, settings.Authorization == AuthorizationMode.Session ? Private : Shared);
        var info = new DirectoryInfo(dir);
        if (info.LinkTarget is not null)
        {
            throw new HostUsageException($"{dir}: socket directory is a symbolic link");
        }

        var owner = OwnerOf(dir);
        if (owner != geteuid() && owner != 0)
        {
            throw new HostUsageException($"{dir}: socket directory belongs to another user");
        }

        if ((info.UnixFileMode & WritableByOthers) != 0 && (info.UnixFileMode & UnixFileMode.StickyBit) == 0)
        {
            throw new HostUsageException($"{dir}: socket directory is writable by other users (mode {ModeText(info.UnixFileMode)}); make it 0700 or name another --socket");
        }
    }

    /// <summary>
    /// Log and state directories: created if missing (0755 logs as Upstart, 0700 state). The state
    /// directory is the daemon's own (admin state, and what a re-exec hands over): an existing one of
    /// ours is tightened to 0700; one that belongs to another user or that others may write is refused.
    /// </summary>
    public static void PrepareDataDirectories(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(settings.LogDir, Shared);
        var state = Directory.CreateDirectory(settings.StateDir, Private);
        if (OwnerOf(state.FullName) != geteuid())
        {
            throw new HostUsageException($"{state.FullName}: state directory belongs to another user");
        }

        if ((state.UnixFileMode & WritableByOthers) != 0)
        {
            throw new HostUsageException($"{state.FullName}: state directory is writable by other users (mode {ModeText(state.UnixFileMode)}); make it 0700 or name another --state-dir");
        }

        if ((state.UnixFileMode & ~Private) != 0)
        {
            File.SetUnixFileMode(state.FullName, Private);
        }
    }

    private static string ModeText(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

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
