using System.Globalization;
using System.Text;

namespace UpstartHost.Logging;

/// <summary>
/// When each part of a job log was written. The log itself stays Upstart's raw console output (tools and
/// people read /var/log/upstart/JOB.log as it is), so the times live beside it in JOB.log.times: one text
/// line "OFFSET UNIX-MILLISECONDS" per write, meaning "the bytes from OFFSET on arrived at that time".
/// <see cref="JobLogWriter"/> appends a record before the bytes it describes, and starts the file afresh
/// whenever the log itself starts empty (new, deleted and recreated, or truncated by logrotate), so a
/// record never describes another file's bytes. A line's time is that of the last record at or before its
/// first byte. A line with no such record was written before the daemon kept times (an old log): it gets
/// the time of the first record after it, or when there is none the log file's last-write time; either
/// is an upper bound, so merged logs keep their order.
/// </summary>
public sealed class LogLineTimes
{
    /// <summary>How much of a sidecar is read: its newest records, enough for any tail a client asks for.</summary>
    internal const int MaxBytesRead = 4 << 20;

    private readonly long[] _offsets;
    private readonly long[] _milliseconds;
    private readonly DateTimeOffset _fallback;

    private LogLineTimes(long[] offsets, long[] milliseconds, DateTimeOffset fallback)
    {
        _offsets = offsets;
        _milliseconds = milliseconds;
        _fallback = fallback;
    }

    public static string PathFor(string logPath) => logPath + ".times";

    /// <summary>One record, as the writer appends it.</summary>
    public static byte[] Record(long offset, DateTimeOffset time) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{offset} {time.ToUnixTimeMilliseconds()}\n"));

    /// <summary>The times of <paramref name="logPath"/>; never throws (a missing or damaged sidecar gives fallback times).</summary>
    public static LogLineTimes Load(string logPath)
    {
        var fallback = LastWrite(logPath);
        var offsets = new List<long>();
        var milliseconds = new List<long>();
        foreach (var line in ReadNewest(PathFor(logPath)))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0
                || !long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                || !long.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                continue;
            }

            if (offsets.Count > 0 && offset < offsets[^1])
            {
                // Offsets only grow within one log's life; a step back means what came before was another file's.
                offsets.Clear();
                milliseconds.Clear();
            }

            offsets.Add(offset);
            milliseconds.Add(ms);
        }

        return new LogLineTimes([.. offsets], [.. milliseconds], fallback);
    }

    /// <summary>The time of the line whose first byte is at <paramref name="lineStart"/>.</summary>
    public DateTimeOffset TimeAt(long lineStart)
    {
        if (_offsets.Length == 0)
        {
            return _fallback;
        }

        var index = Array.BinarySearch(_offsets, lineStart);
        if (index < 0)
        {
            index = ~index - 1;
        }

        // Before the first record: written before times were kept; the first record is an upper bound.
        return DateTimeOffset.FromUnixTimeMilliseconds(_milliseconds[Math.Max(index, 0)]);
    }

    private static string[] ReadNewest(string path)
    {
        string text;
        try
        {
            // Like the log itself: not through a link, regular files only (a refusal is an IOException: no times).
            using var stream = LogFileReading.Open(path);
            if (stream is null)
            {
                return [];
            }

            var skip = Math.Max(0, stream.Length - MaxBytesRead);
            stream.Seek(skip, SeekOrigin.Begin);
            var bytes = new byte[stream.Length - skip];
            stream.ReadExactly(bytes);
            text = Encoding.ASCII.GetString(bytes);
            if (skip > 0)
            {
                // The first record read may be cut: start after its end.
                text = text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        // A record still being written (no '\n' yet) is left for the next read.
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n');
    }

    private static DateTimeOffset LastWrite(string path)
    {
        try
        {
            return File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : DateTimeOffset.UtcNow;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DateTimeOffset.UtcNow;
        }
    }
}
