using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using UpstartHost.Processes.Native;

namespace UpstartHost.Logging;

/// <summary>
/// Opens a job's log for a client the way the writer opens it for the job (<see cref="JobLogWriter"/>: O_NOFOLLOW):
/// never through a symbolic link, and only when it is a regular file (issue 12: a link planted as
/// LOGDIR/r.log made `upstartctl log r` print whatever it pointed to, read with the daemon's rights). The check is
/// made on the opened descriptor (fstat), so the file cannot be swapped between the check and the read;
/// O_NONBLOCK keeps a FIFO planted there from hanging the open.
/// </summary>
public static class LogFileReading
{
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    /// <summary>A readable stream on the log, or null when there is no such file.</summary>
    /// <exception cref="LogFileRefusedException">The path is a symbolic link or not a regular file.</exception>
    /// <exception cref="IOException">Any other failure to open it.</exception>
    public static FileStream? Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_CLOEXEC | Libc.O_NOCTTY, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno switch
            {
                Libc.ENOENT or Libc.ENOTDIR => null,
                Libc.ELOOP => throw new LogFileRefusedException(path, "it is a symbolic link"),
                _ => throw new IOException($"{path}: {Libc.ErrorText(errno)}"),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (FileType(fd) != RegularFile)
            {
                throw new LogFileRefusedException(path, "it is not a regular file");
            }

            // Reads of a regular file never block anyway; clearing it keeps FileStream's view of the fd plain.
            var flags = Libc.fcntl(fd, Libc.F_GETFL, 0);
            if (flags >= 0)
            {
                _ = Libc.fcntl(fd, Libc.F_SETFL, flags & ~Libc.O_NONBLOCK);
            }

            return new FileStream(handle, FileAccess.Read, bufferSize: 0);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Null when the log may be read (or does not exist yet); otherwise why it may not.</summary>
    public static string? Problem(string path)
    {
        try
        {
            using var stream = Open(path);
            return null;
        }
        catch (LogFileRefusedException e)
        {
            return e.Message;
        }
        catch (IOException)
        {
            // Unreadable for another reason (permissions, I/O): reported as an empty log, as before.
            return null;
        }
    }

    /// <summary>The length of the log as <see cref="Open"/> would see it; 0 when absent or refused.</summary>
    public static long Length(string path)
    {
        try
        {
            using var stream = Open(path);
            return stream?.Length ?? 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Whether two open logs are the same file (device and inode), as `tail -F` tells a rotated log from the one it read.</summary>
    public static bool SameFile(FileStream one, FileStream other)
    {
        ArgumentNullException.ThrowIfNull(one);
        ArgumentNullException.ThrowIfNull(other);
        return Identity(one) is { } a && Identity(other) is { } b && a == b;
    }

    /// <summary>The open file's device and inode; null where the kernel does not say.</summary>
    public static unsafe (uint Major, uint Minor, ulong Inode)? Identity(FileStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = stackalloc byte[Libc.StatxSize];
        var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
        if (Libc.statx(fd, "", Libc.AT_EMPTY_PATH, StatxIno, buffer) != 0)
        {
            return null;
        }

        return (*(uint*)(buffer + StatxDevMajorOffset), *(uint*)(buffer + StatxDevMinorOffset), *(ulong*)(buffer + StatxInoOffset));
    }

    // STATX_INO, and the offsets of stx_ino, stx_dev_major and stx_dev_minor in struct statx (kernel ABI).
    private const uint StatxIno = 0x100;
    private const int StatxInoOffset = 32;
    private const int StatxDevMajorOffset = 136;
    private const int StatxDevMinorOffset = 140;

    private static unsafe int FileType(int fd)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        if (Libc.statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_TYPE_MODE, buffer) != 0)
        {
            throw new IOException("fstat: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
        }

        return *(ushort*)(buffer + Libc.StatxModeOffset) & FileTypeMask;
    }
}

/// <summary>A log path the daemon will not read for a client: a symbolic link, or not a regular file.</summary>
public sealed class LogFileRefusedException : IOException
{
    public LogFileRefusedException(string path, string reason)
        : base($"Refusing to read log {path}: {reason}")
    {
    }

    public LogFileRefusedException()
    {
    }

    public LogFileRefusedException(string message)
        : base(message)
    {
    }

    public LogFileRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
