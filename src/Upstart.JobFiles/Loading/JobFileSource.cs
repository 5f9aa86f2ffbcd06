using System.Text;
using Upstart.JobFiles.Diagnostics;

namespace Upstart.JobFiles.Loading;

/// <summary>Reads a job or override file, refusing anything larger than the parser accepts.</summary>
internal static class JobFileSource
{
    public const int MaxBytes = 1 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static string? Read(string path, List<Diagnostic> diagnostics) => Read(new FileInfo(path), diagnostics);

    /// <summary>Reads a file whose size is already known from listing its directory.</summary>
    public static string? Read(FileInfo info, List<Diagnostic> diagnostics)
    {
        var path = info.FullName;
        try
        {
            // A FIFO or device reports length 0 and opening it could block the daemon forever; a
            // regular empty file reads as nothing anyway, so zero length is never opened.
            if (info.Length == 0)
            {
                return "";
            }

            if (info.Length > MaxBytes)
            {
                return TooLarge(path, diagnostics);
            }

            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
            });

            // Read at most one byte past the limit: the file may grow between stat and read.
            var buffer = new byte[(int)info.Length + 1];
            var total = 0;
            int read;
            while ((read = stream.Read(buffer, total, buffer.Length - total)) > 0)
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

            return Utf8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.ReadError, e.Message));
            return null;
        }
    }

    private static string? TooLarge(string path, List<Diagnostic> diagnostics)
    {
        diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.FileTooLarge, $"File larger than {MaxBytes} bytes"));
        return null;
    }
}
