using System.Runtime.CompilerServices;
using System.Text;

namespace UpstartHost.Logging;

/// <summary>
/// Reads job logs for clients (`Get-UpstartLog -Tail N -Wait`, DESIGN.md "Beyond Upstart"): the last
/// lines of a file, and new lines as they are appended. Follow reopens the path on every poll, so a
/// log deleted and recreated by the writer (Upstart's "reopened if deleted") is picked up from its
/// start; a file shrinking below the position read is treated the same way.
/// </summary>
public static class JobLogReader
{
    private const int BlockSize = 8192;

    /// <summary>Most of a log's end a tail reads, like the daemon's (Control/JobLogTail): lines before it are not returned.</summary>
    internal const int MaxTailBytes = 512 * 1024;

    /// <summary>Longest run without a newline follow holds back; a longer one is handed over as a line.</summary>
    internal const int MaxLineBytes = 64 * 1024;

    /// <summary>The last <paramref name="count"/> lines (a final line without '\n' counts); empty when the file does not exist.</summary>
    public static IReadOnlyList<string> Tail(string path, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return [];
        }

        using var stream = OpenShared(path);
        if (stream is null)
        {
            return [];
        }

        var start = Math.Max(StartOfLastLines(stream, count), stream.Length - MaxTailBytes);
        stream.Position = start;
        var bytes = new byte[stream.Length - start];
        stream.ReadExactly(bytes);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Count > count ? lines[^count..] : lines;
    }

    /// <summary>
    /// Lines appended after <paramref name="fromOffset"/> (default: the current end), until cancelled.
    /// Polls every <paramref name="pollInterval"/> (default 250 ms); a partial last line is held back until its '\n' arrives.
    /// </summary>
    public static async IAsyncEnumerable<string> Follow(string path, long? fromOffset = null, TimeSpan? pollInterval = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(250);
        var position = fromOffset ?? LogFileReading.Length(path);
        var pending = new List<byte>();
        var buffer = new byte[BlockSize];
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var stream = OpenShared(path))
            {
                if (stream is not null)
                {
                    if (stream.Length < position)
                    {
                        position = 0;
                        pending.Clear();
                    }

                    stream.Position = position;
                    int n;
                    while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        position += n;
                        pending.AddRange(buffer.AsSpan(0, n));
                    }
                }
            }

            int newline;
            while ((newline = pending.IndexOf((byte)'\n')) >= 0)
            {
                var line = Encoding.UTF8.GetString(pending.GetRange(0, newline).ToArray());
                pending.RemoveRange(0, newline + 1);
                yield return line;
            }

            if (pending.Count > MaxLineBytes)
            {
                // A writer that never ends its line must not grow this without end.
                var run = Encoding.UTF8.GetString(pending.ToArray());
                pending.Clear();
                yield return run;
            }

            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    private static long StartOfLastLines(FileStream stream, int count)
    {
        var buffer = new byte[BlockSize];
        var end = stream.Length;
        var seen = 0;
        // A trailing '\n' ends the last line rather than starting an empty one.
        var skipFinalNewline = true;
        while (end > 0 && stream.Length - end < MaxTailBytes)
        {
            var size = (int)Math.Min(BlockSize, end);
            var start = end - size;
            stream.Position = start;
            stream.ReadExactly(buffer, 0, size);
            for (var i = size - 1; i >= 0; i--)
            {
                if (buffer[i] != '\n')
                {
                    skipFinalNewline = false;
                    continue;
                }

                if (skipFinalNewline)
                {
                    skipFinalNewline = false;
                    continue;
                }

                if (++seen == count)
                {
                    return start + i + 1;
                }
            }

            end = start;
        }

        return 0;
    }

    /// <summary>Through <see cref="LogFileReading"/>: a symbolic link or a non-regular file reads as no log at all.</summary>
    private static FileStream? OpenShared(string path)
    {
        try
        {
            return LogFileReading.Open(path);
        }
        catch (LogFileRefusedException)
        {
            return null;
        }
    }
}
