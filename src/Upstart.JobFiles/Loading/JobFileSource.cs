using System.Runtime.InteropServices;
using System.Security.Cryptography;
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
    private const uint TypeAndSize = 0x1 | 0x200;             // STATX_TYPE | STATX_SIZE
    private const ushort TypeMask = 0xF000;                   // S_IFMT
    private const ushort RegularFile = 0x8000;                // S_IFREG

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The text of a job file, or null with a diagnostic (not a regular file, too large, unreadable).</summary>
    public static string? Read(string path, List<Diagnostic> diagnostics) => Read(path, diagnostics, out _);

    /// <summary>
    /// As <see cref="Read(string, List{Diagnostic})"/>, also giving the file's fingerprint: the SHA-256 of
    /// the bytes read (what a reload compares, so a touched but unchanged file is no change, and nothing
    /// is read a second time to find out).
    /// </summary>
    public static string? Read(string path, List<Diagnostic> diagnostics, out byte[]? fingerprint)
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
        var (type, size) = TypeAndSizeOf(handle);
        if (type != RegularFile)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.NotRegularFile, "Not a regular file"));
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

            fingerprint = SHA256.HashData(buffer.AsSpan(0, total));
            return Utf8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.ReadError, e.Message));
            return null;
        }
    }

    private static unsafe (ushort Type, long Size) TypeAndSizeOf(SafeFileHandle handle)
    {
        // struct statx: stx_mode is a u16 at offset 28, stx_size a u64 at 40, on every architecture.
        var buffer = stackalloc byte[256];
        var fd = (int)handle.DangerousGetHandle();
        if (Statx(fd, "", EmptyPath, TypeAndSize, buffer) != 0)
        {
            return (0, 0);
        }

        return ((ushort)(*(ushort*)(buffer + 28) & TypeMask), *(long*)(buffer + 40));
    }

    private static string? TooLarge(string path, List<Diagnostic> diagnostics)
    {
        diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.FileTooLarge, $"File larger than {MaxBytes} bytes"));
        return null;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
