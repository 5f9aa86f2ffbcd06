using System.Runtime.InteropServices;

namespace UpstartHost.Configuration;

/// <summary>
/// An open handle on a watched job directory, to tell whether the path still names it. A directory
/// that is deleted and created again (or replaced by a rename, as configuration management tools do)
/// is a new directory, and an inotify watch on the old one sees nothing of it. Comparing inode numbers
/// alone is not enough: a directory made right after one was removed often gets the freed number. The
/// open handle keeps the old inode alive, so its number cannot be reused while we compare, and its link
/// count drops to 0 when it is removed.
/// </summary>
public sealed partial class DirectoryAnchor : IDisposable
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000;   // O_DIRECTORY (x86_64 and aarch64 alike)
    private const int CloseOnExec = 0x80000; // O_CLOEXEC: no job inherits it

    // struct stat on x86_64: st_dev at 0, st_ino at 8, st_nlink at 16 (8 bytes each); aarch64 has a
    // 4-byte st_nlink at 20 after st_mode, so only dev and ino are compared there.
    private const int StatBufferSize = 256;

    private readonly int fd;
    private int disposed;

    private DirectoryAnchor(int fd) => this.fd = fd;

    /// <summary>An anchor on the directory <paramref name="path"/> names now, or null when there is none.</summary>
    public static DirectoryAnchor? Open(string path)
    {
        var fd = OpenDirectory(path, ReadOnly | Directory | CloseOnExec);
        return fd < 0 ? null : new DirectoryAnchor(fd);
    }

    /// <summary>True while <paramref name="path"/> still names the directory this anchor holds.</summary>
    public unsafe bool StillNamedBy(string path)
    {
        var held = stackalloc ulong[StatBufferSize / sizeof(ulong)];
        var named = stackalloc ulong[StatBufferSize / sizeof(ulong)];
        if (Fstat(fd, held) != 0 || Stat(path, named) != 0)
        {
            return false;
        }

        var removed = RuntimeInformation.ProcessArchitecture == Architecture.X64 && held[2] == 0;
        return !removed && held[0] == named[0] && held[1] == named[1];
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenDirectory(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fstat")]
    private static unsafe partial int Fstat(int fd, ulong* buffer);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, ulong* buffer);
}
