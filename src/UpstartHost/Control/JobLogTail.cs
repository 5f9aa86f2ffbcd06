using System.Runtime.CompilerServices;
using System.Text;
using UpstartHost.Logging;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>
/// Reads a job's console log (UPSTART.md §f: LOGDIR/JOB[-INSTANCE].log) for `log` requests: the last N
/// lines, then with follow every line appended, also across the file being deleted and recreated.
/// The path comes from <see cref="LogFileName"/>, which keeps every name inside the log directory, and is
/// opened by <see cref="LogFileReading"/>: never through a symbolic link, regular files only.
/// Unlike <see cref="Logging.JobLogReader"/>'s separate Tail and Follow, the tail here returns the file
/// offset after each line, so follow resumes exactly there: no line is lost or repeated between the two.
/// </summary>
public sealed class JobLogTail(string logDirectory)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Most of a log's end a tail reads, whatever number of lines was asked for: a tail holds at most this
    /// (and the strings made of it) while it is sent (issue 12, item 8: 4 MiB tails left unread took 900 MB a connection).
    /// </summary>
    internal const int MaxTailBytes = 512 * 1024;

    /// <summary>Longest line follow holds back waiting for its newline; a longer run of bytes is sent as it is.</summary>
    internal const int MaxLineBytes = 64 * 1024;

    /// <summary>Most bytes follow reads at a time.</summary>
    private const int FollowChunkBytes = 256 * 1024;

    /// <summary>Upstart's name for the log, whatever other jobs are loaded.</summary>
    public string PathFor(string job, string instance) => LogFileName.For(logDirectory, job, instance);

    /// <summary>The file the daemon writes the instance's output to among the loaded jobs (<see cref="LogFileName.Resolve"/>); null for none.</summary>
    public string? PathFor(string job, string instance, LogFileClaims claims) => LogFileName.Resolve(logDirectory, job, instance, claims);

    /// <summary>Null when the log may be read (or does not exist yet); otherwise why the daemon refuses to read it.</summary>
    public static string? RefusalFor(string path) => LogFileReading.Problem(path);

    public IAsyncEnumerable<LogLineInfo> ReadAsync(string job, string instance, int tail, bool follow, CancellationToken cancellationToken = default) =>
        ReadAsync(PathFor(job, instance), job, instance, tail, follow, cancellationToken);

    /// <summary>The lines of the log at <paramref name="path"/>, shown as <paramref name="job"/>'s <paramref name="instance"/>'s.</summary>
    public static async IAsyncEnumerable<LogLineInfo> ReadAsync(string path, string job, string instance, int tail, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        // Follow resumes right after the tail (or at the end seen now), never skipping what the tail's reader missed.
        var lastLines = LastLines(path, Math.Max(0, tail));
        var position = lastLines.Count > 0 ? lastLines[^1].End : SafeLength(path);
        // Each line carries the time it was written (JOB.log.times beside the log), so logs merge in real order.
        var times = LogLineTimes.Load(path);
        foreach (var (line, start, _) in lastLines)
        {
            yield return new LogLineInfo(times.TimeAt(start), job, instance, line);
        }

        if (!follow)
        {
            yield break;
        }

        var pending = new StringBuilder();
        var pendingStart = position;
        while (!cancellationToken.IsCancellationRequested)
        {
            var length = SafeLength(path);
            if (length < position)
            {
                // Truncated, or deleted and recreated (Upstart reopens a deleted log): start over.
                position = 0;
                pendingStart = 0;
                pending.Clear();
            }

            if (length > position)
            {
                var (text, end) = ReadFrom(path, position);
                position = end;
                pending.Append(text);
                var s = pending.ToString();
                var last = s.LastIndexOf('\n');
                if (last >= 0)
                {
                    times = LogLineTimes.Load(path);
                    foreach (var line in s[..last].Split('\n'))
                    {
                        yield return new LogLineInfo(times.TimeAt(pendingStart), job, instance, line.TrimEnd('\r'));
                        pendingStart += Encoding.UTF8.GetByteCount(line) + 1;
                    }

                    pending.Clear().Append(s[(last + 1)..]);
                }

                if (pending.Length > MaxLineBytes)
                {
                    // A job writing without newlines must not grow this without end: hand over what there is.
                    var part = pending.ToString();
                    yield return new LogLineInfo(times.TimeAt(pendingStart), job, instance, part);
                    pendingStart += Encoding.UTF8.GetByteCount(part);
                    pending.Clear();
                }

                if (text.Length > 0 && length > position)
                {
                    // More than one chunk was waiting: read on before sleeping.
                    continue;
                }
            }

            try
            {
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>The last <paramref name="count"/> complete lines with the offsets of their first byte and after their end, reading backwards in blocks.</summary>
    internal static List<(string Line, long Start, long End)> LastLines(string path, int count)
    {
        var result = new List<(string, long, long)>();
        if (count == 0)
        {
            return result;
        }

        byte[] data;
        long start;
        try
        {
            using var stream = LogFileReading.Open(path);
            if (stream is null)
            {
                return result;
            }

            var length = stream.Length;

            // A log line is rarely over 4 KiB; read enough for count lines, capped at MaxTailBytes.
            var want = Math.Min(length, Math.Min(MaxTailBytes, (long)count * 4096 + 4096));
            start = length - want;
            stream.Seek(start, SeekOrigin.Begin);
            data = new byte[want];
            stream.ReadExactly(data);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return result;
        }

        var end = data.Length;
        if (end > 0 && data[end - 1] != (byte)'\n')
        {
            // An unfinished last line is left for follow to deliver when it ends.
            end = Array.LastIndexOf(data, (byte)'\n', end - 1) + 1;
        }

        var lines = new List<(string, long, long)>();
        var lineEnd = end;
        for (var i = end - 2; i >= -1 && lines.Count < count; i--)
        {
            if (i == -1 || data[i] == (byte)'\n')
            {
                if (i == -1 && start > 0)
                {
                    break; // the first line read may be partial
                }

                var text = Encoding.UTF8.GetString(data, i + 1, lineEnd - i - 2).TrimEnd('\r');
                lines.Add((text, start + i + 1, start + lineEnd));
                lineEnd = i + 1;
            }
        }

        lines.Reverse();
        return lines;
    }

    private static long SafeLength(string path)
    {
        return LogFileReading.Length(path);
    }

    private static (string Text, long End) ReadFrom(string path, long position)
    {
        try
        {
            using var stream = LogFileReading.Open(path);
            if (stream is null)
            {
                return ("", position);
            }

            stream.Seek(position, SeekOrigin.Begin);
            var buffer = new byte[Math.Min(stream.Length - position, FollowChunkBytes)];
            var read = stream.Read(buffer);
            return (Encoding.UTF8.GetString(buffer, 0, read), position + read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return ("", position);
        }
    }
}
