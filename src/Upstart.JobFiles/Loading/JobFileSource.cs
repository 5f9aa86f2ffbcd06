using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Upstart.JobFiles.Diagnostics;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// Reads a job or override file: only a regular file, never more than the parser accepts. The file is
/// opened non-blocking and its type checked on the open handle before a byte is read, so a FIFO or a
/// device named `x.conf` (present at start or created later) can neither block the reader forever nor
/// flood it (`/dev/zero`), and swapping the file between a check and the open changes nothing.
/// </summary>
public static partial class JobFileSource
{
    public const int MaxBytes = 1 << 20;

    private const int ReadOnlyNonBlocking = 0x800 | 0x80000; // O_RDONLY | O_NONBLOCK | O_CLOEXEC
    private const int EmptyPath = 0x1000;                     // AT_EMPTY_PATH: statx of the fd itself
    private const int DirectoryNoFollow = 0x10000 | 0x20000 | 0x80000; // O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    private const int Sticky = 0x200;                          // S_ISVTX
    private const uint TypeModeOwnerSize = 0x1 | 0x2 | 0x8 | 0x200; // STATX_TYPE | STATX_MODE | STATX_UID | STATX_SIZE
    private const ushort WritableByOthers = 0x12;             // S_IWGRP | S_IWOTH
    private const ushort TypeMask = 0xF000;                   // S_IFMT
    private const ushort RegularFile = 0x8000;                // S_IFREG

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The text of a job file, or null with a diagnostic (not a regular file, too large, unreadable).</summary>
    public static string? Read(string path, List<Diagnostic> diagnostics) => Read(path, diagnostics, JobFileTrust.Any, out _);

    /// <summary>
    /// As <see cref="Read(string, List{Diagnostic})"/>, also giving the file's fingerprint (<see cref="ContentFingerprint"/>) of
    /// the bytes read (what a reload compares, so a touched but unchanged file is no change, and nothing
    /// is read a second time to find out). With <see cref="JobFileTrust.RootOnly"/> (system mode) a file
    /// owned by another user, or that a group or others may write, is refused: it would run as root.
    /// </summary>
    public static string? Read(string path, List<Diagnostic> diagnostics, JobFileTrust trust, out byte[]? fingerprint) =>
        ReadBytes(path, diagnostics, trust, out fingerprint) is { } bytes ? Decode(bytes) : null;

    /// <summary>The text the loader parses from a file's bytes (invalid UTF-8 becomes U+FFFD, as it always has).</summary>
    public static string Decode(byte[] bytes) => Utf8.GetString(bytes);

    /// <summary>
    /// As <see cref="Read(string, List{Diagnostic}, JobFileTrust, out byte[])"/>, giving the exact bytes read
    /// (the daemon's definition store keeps them, under the same guards).
    /// </summary>
    public static byte[]? ReadBytes(string path, List<Diagnostic> diagnostics, JobFileTrust trust, out byte[]? fingerprint)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        fingerprint = null;
        var fd = (nint)Open(path, ReadOnlyNonBlocking);
        if (fd < 0)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.ReadError, Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())));
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var (mode, owner, size) = StatusOf(handle);
        if ((mode & TypeMask) != RegularFile)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.NotRegularFile, "Not a regular file"));
            return null;
        }

        if (trust == JobFileTrust.RootOnly && (owner != 0 || (mode & WritableByOthers) != 0))
        {
            var why = owner != 0
                ? $"owned by uid {owner}, not root"
                : $"writable by group or others (mode {Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0')})";
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.UnsafeOwnership, $"File {why}: a system job runs as root, so it is not loaded"));
            return null;
        }

        if (size > MaxBytes)
        {
            return TooLarge(path, diagnostics);
        }

        try
        {
            // Read at most one byte past the limit: the file may grow between statx and read.
            var buffer = new byte[(int)size + 1];
            var total = 0;
            int read;
            while ((read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
            {
                total += read;
                if (total == buffer.Length)
                {
                    if (buffer.Length > MaxBytes)
                    {
                        return TooLarge(path, diagnostics);
                    }

                    Array.Resize(ref buffer, Math.Min(MaxBytes + 1, buffer.Length * 2));
                }
            }

            fingerprint = ContentFingerprint.Of(buffer.AsSpan(0, total));
            return buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.ReadError, e.Message));
            return null;
        }
    }

    /// <summary>
    /// Why a directory below a system job directory may not hold job files, or null when it may: it must be
    /// root's and not writable by group or others (a sticky directory, whose entries only their owners may
    /// rename, excepted), or whoever may write it can swap a root-owned job file for their own.
    /// </summary>
    public static string? UnsafeDirectory(string path)
    {
        var fd = (nint)Open(path, DirectoryNoFollow);
        if (fd < 0)
        {
            return "that cannot be opened";
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var (mode, owner, _) = StatusOf(handle);
        if (owner != 0)
        {
            return $"owned by uid {owner}, not root";
        }

        return (mode & WritableByOthers) != 0 && (mode & Sticky) == 0
            ? $"writable by group or others (mode {Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0')})"
            : null;
    }

    private static unsafe (ushort Mode, uint Owner, long Size) StatusOf(SafeFileHandle handle)
    {
        // struct statx, the same on every architecture: stx_uid u32 at 20, stx_mode u16 at 28, stx_size u64 at 40.
        var buffer = stackalloc byte[256];
        var fd = (int)handle.DangerousGetHandle();
        if (Statx(fd, "", EmptyPath, TypeModeOwnerSize, buffer) != 0)
        {
            return (0, uint.MaxValue, 0);
        }

        return (*(ushort*)(buffer + 28), *(uint*)(buffer + 20), *(long*)(buffer + 40));
    }

    private static byte[]? TooLarge(string path, List<Diagnostic> diagnostics)
    {
        diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.FileTooLarge, $"File larger than {MaxBytes} bytes"));
        return null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
