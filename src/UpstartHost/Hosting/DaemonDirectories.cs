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
    /// The log directory holds what jobs print (secrets included), so the same rule of ownership applies: one
    /// of another user is refused (that user could read, replace or plant every log). It is never chmodded (an
    /// administrator's `root:adm 0750` stays as it is): one that every user may write is refused, as it lets
    /// anyone create a job's log before the daemon does and read it; one its group may write is allowed with a
    /// warning (returned, for the daemon's log), since a group such as adm may be trusted to.
    /// </summary>
    /// <returns>Warnings to log once the daemon's log is up.</returns>
    public static IReadOnlyList<string> PrepareDataDirectories(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var warnings = new List<string>();
        var log = Directory.CreateDirectory(settings.LogDir, Shared);
        if (OwnerOf(log.FullName) is var logOwner && logOwner != geteuid())
        {
            throw new HostUsageException($"{log.FullName}: log directory belongs to another user (uid {logOwner}); chown it to the daemon's user or name another --logdir");
        }

        if ((log.UnixFileMode & UnixFileMode.OtherWrite) != 0)
        {
            throw new HostUsageException($"{log.FullName}: log directory is writable by other users (mode {ModeText(log.UnixFileMode)}); make it 0755 or name another --logdir");
        }

        if ((log.UnixFileMode & UnixFileMode.GroupWrite) != 0)
        {
            warnings.Add($"{log.FullName}: log directory is writable by its group (mode {ModeText(log.UnixFileMode)}): members may create or replace job logs before the daemon writes them");
        }

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

        return warnings;
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
