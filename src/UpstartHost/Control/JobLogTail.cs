using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using UpstartHost.Logging;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Control;

/// <summary>
/// Reads a job's console log (UPSTART.md §f: LOGDIR/JOB[-INSTANCE].log) for `log` requests: the last N
/// lines, then with follow every line appended, also across the file being deleted and recreated.
/// The path comes from <see cref="LogFileName"/>, which keeps every name inside the log directory, and is
/// opened by <see cref="LogFileReading"/>: never through a symbolic link, regular files only.
/// The tail returns the file offset after each line, so follow resumes exactly there: no line is lost or
/// repeated between the two.
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

    /// <summary>Most bytes follow reads at a time (its buffer, held while it follows).</summary>
    private const int FollowChunkBytes = 64 * 1024;

    /// <summary>Upstart's name for the log, whatever other jobs are loaded.</summary>
    public string PathFor(string job, string instance) => LogFileName.For(logDirectory, job, instance);

    /// <summary>The file the daemon writes the instance's output to among the loaded jobs (<see cref="LogFileName.Resolve"/>); null for none.</summary>
    public string? PathFor(string job, string instance, LogFileClaims claims) => LogFileName.Resolve(logDirectory, job, instance, claims);

    /// <summary>Null when the log may be read (or does not exist yet); otherwise why the daemon refuses to read it.</summary>
    public static string? RefusalFor(string path) => LogFileReading.Problem(path);

    public IAsyncEnumerable<LogLineInfo> ReadAsync(string job, string instance, int tail, bool follow, CancellationToken cancellationToken = default) =>
        ReadAsync(PathFor(job, instance), job, instance, tail, follow, cancellationToken);

    /// <summary>The lines of the log at <paramref name="path"/>, shown as <paramref name="job"/>'s <paramref name="instance"/>'s.</summary>
    public static IAsyncEnumerable<LogLineInfo> ReadAsync(string path, string job, string instance, int tail, bool follow, CancellationToken cancellationToken = default) =>
        ReadAsync(path, job, instance, tail, follow, resume: null, CancellationToken.None, cancellationToken);

    /// <summary>
    /// As above; a follow watches <paramref name="handover"/> too: once it fires, the follow sends what the log
    /// holds and ends by throwing <see cref="StreamHandoverException"/> with where it stood. Given that point back
    /// as <paramref name="resume"/>, a follow carries on from there instead of sending a tail.
    /// </summary>
    public static async IAsyncEnumerable<LogLineInfo> ReadAsync(
        string path,
        string job,
        string instance,
        int tail,
        bool follow,
        LogResumePoint? resume,
        CancellationToken handover,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        // Without follow the tail is the file as it is, an unfinished last line included (the last words of a job
        // that died mid-line); with follow that line is left to follow, which hands it over when it ends.
        // With follow, the tail and everything after it come from one open file: a rotation while the tail is
        // being sent then loses nothing either.
        var file = OpenOrNull(path);
        FileStream? successor = null;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handover);
        try
        {
            var lastLines = resume is null ? LastLines(file, Math.Max(0, tail), includeUnfinished: !follow) : [];
            var position = resume is { } point ? point.PositionIn(file)
                : lastLines.Count > 0 ? lastLines[^1].End
                : file is null ? 0 : RandomAccess.GetLength(file.SafeFileHandle);
            if (resume is { File: { } held } from && (file is null || LogFileReading.Identity(file) != held)
                && RotatedLogs.Open(path, held) is { } rotated)
            {
                // Rotated during the exec: what the job wrote to the held file after the handover is read first, from
                // the point, then the log at the path from its start, as for a rotation seen while following.
                successor = file;
                file = rotated;
                position = from.PositionIn(rotated);
            }

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

            // The file being followed stays open, so a rotation (rename, then a new file at the path) loses nothing:
            // what reached the old file is read to its end before the new one is read from its start.
            var pending = new List<byte>();
            var pendingStart = position;
            var quietPolls = 0;
            var buffer = new byte[FollowChunkBytes];
            while (!cancellationToken.IsCancellationRequested)
            {
                var read = file is null ? 0 : ReadSome(file, position, buffer);
                if (read < 0)
                {
                    // The file we hold is shorter than what was read of it: truncated (copytruncate). Start over.
                    foreach (var line in HandOver(pending, ref pendingStart, times, job, instance, whole: true))
                    {
                        yield return line;
                    }

                    position = 0;
                    pendingStart = 0;
                    continue;
                }

                if (read > 0)
                {
                    position += read;
                    pending.AddRange(buffer.AsSpan(0, read));
                    quietPolls = 0;
                    if (pending.Contains((byte)'\n'))
                    {
                        times = LogLineTimes.Load(path);
                    }

                    foreach (var line in CompleteLines(pending, ref pendingStart, times, job, instance))
                    {
                        yield return line;
                    }

                    if (pending.Count > MaxLineBytes)
                    {
                        // A job writing without newlines must not grow this without end: hand over what there is.
                        foreach (var line in HandOver(pending, ref pendingStart, times, job, instance))
                        {
                            yield return line;
                        }
                    }

                    // More may be waiting: read on before sleeping.
                    continue;
                }

                // At the end of the file held.
                if (successor is not null)
                {
                    // Rotated, or deleted and recreated (Upstart reopens a deleted log): the old file is read to its
                    // end; an unfinished line in it ends, if anywhere, in the new one.
                    foreach (var line in HandOver(pending, ref pendingStart, times, job, instance, whole: true))
                    {
                        yield return line;
                    }

                    file?.Dispose();
                    file = successor;
                    successor = null;
                    position = 0;
                    pendingStart = 0;
                    times = LogLineTimes.Load(path);
                    continue;
                }

                if (Replaced(path, file) is { } next)
                {
                    // Read the old file once more first: a write the writer began before the rename lands in it.
                    successor = next;
                    continue;
                }

                if (handover.IsCancellationRequested)
                {
                    // The daemon is re-executing and has stopped writing logs: all there is has been sent but a line
                    // still waiting for its newline, which the next program sends whole.
                    throw new StreamHandoverException(new LogResumePoint(file is null ? null : LogFileReading.Identity(file), pendingStart).Format());
                }

                if (pending.Count > 0 && ++quietPolls >= PartialLinePolls)
                {
                    // A line without its newline (a prompt, the last words of a job that died): shown once the log
                    // has been quiet a while rather than never; what follows it comes as another line.
                    foreach (var line in HandOver(pending, ref pendingStart, times, job, instance))
                    {
                        yield return line;
                    }
                }

                try
                {
                    await Task.Delay(PollInterval, wake.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                catch (OperationCanceledException)
                {
                    // Handed over: read to the end once more, then end with the resume point.
                }
            }
        }
        finally
        {
            file?.Dispose();
            successor?.Dispose();
        }
    }

    /// <summary>Polls a followed log may stay quiet with an unfinished line before that line is handed over (1 s).</summary>
    private const int PartialLinePolls = 5;

    /// <summary>The lines in <paramref name="pending"/> that have their newline, removed from it.</summary>
    private static List<LogLineInfo> CompleteLines(List<byte> pending, ref long pendingStart, LogLineTimes times, string job, string instance)
    {
        var lines = new List<LogLineInfo>();
        var bytes = CollectionsMarshal.AsSpan(pending);
        var consumed = 0;
        int newline;
        while ((newline = bytes[consumed..].IndexOf((byte)'\n')) >= 0)
        {
            var text = Encoding.UTF8.GetString(bytes.Slice(consumed, newline)).TrimEnd('\r');
            lines.Add(new LogLineInfo(times.TimeAt(pendingStart), job, instance, text));
            pendingStart += newline + 1;
            consumed += newline + 1;
        }

        pending.RemoveRange(0, consumed);
        return lines;
    }

    /// <summary>
    /// What <paramref name="pending"/> holds, as one line, emptying it; unless <paramref name="whole"/> (the file
    /// it came from has ended), a character whose last bytes have not arrived yet stays behind.
    /// </summary>
    private static List<LogLineInfo> HandOver(List<byte> pending, ref long pendingStart, LogLineTimes times, string job, string instance, bool whole = false)
    {
        var bytes = CollectionsMarshal.AsSpan(pending);
        var length = whole ? bytes.Length : CompleteUtf8Length(bytes);
        if (length == 0)
        {
            return [];
        }

        var line = new LogLineInfo(times.TimeAt(pendingStart), job, instance, Encoding.UTF8.GetString(bytes[..length]));
        pendingStart += length;
        pending.RemoveRange(0, length);
        return [line];
    }

    /// <summary>The length of <paramref name="bytes"/> without a UTF-8 sequence cut short at its end.</summary>
    internal static int CompleteUtf8Length(ReadOnlySpan<byte> bytes)
    {
        // Look back over at most three continuation bytes for the lead byte of the last sequence.
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF8 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? bytes.Length - back : bytes.Length;
        }

        // Only continuation bytes (not UTF-8 at all): nothing to wait for.
        return bytes.Length;
    }

    /// <summary>
    /// The last <paramref name="count"/> lines with the offsets of their first byte and after their end, reading
    /// backwards in blocks. A last line without its newline counts when <paramref name="includeUnfinished"/>.
    /// </summary>
    internal static List<(string Line, long Start, long End)> LastLines(string path, int count, bool includeUnfinished = false)
    {
        using var stream = OpenOrNull(path);
        return LastLines(stream, count, includeUnfinished);
    }

    private static List<(string Line, long Start, long End)> LastLines(FileStream? stream, int count, bool includeUnfinished)
    {
        var result = new List<(string, long, long)>();
        if (count == 0 || stream is null)
        {
            return result;
        }

        byte[] data;
        long start;
        try
        {
            var length = RandomAccess.GetLength(stream.SafeFileHandle);

            // A log line is rarely over 4 KiB; read enough for count lines, capped at MaxTailBytes.
            var want = Math.Min(length, Math.Min(MaxTailBytes, (long)count * 4096 + 4096));
            start = length - want;
            data = new byte[want];
            var got = 0;
            int n;
            while (got < data.Length && (n = RandomAccess.Read(stream.SafeFileHandle, data.AsSpan(got), start + got)) > 0)
            {
                got += n;
            }

            // Truncated meanwhile: what was there.
            data = data[..got];
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return result;
        }

        var end = data.Length;
        if (end > 0 && data[end - 1] != (byte)'\n')
        {
            if (includeUnfinished)
            {
                // Read as if its newline were there (its end offset is then one past the file's).
                data = [.. data, (byte)'\n'];
                end = data.Length;
            }
            else
            {
                // An unfinished last line is left for follow to deliver when it ends.
                end = Array.LastIndexOf(data, (byte)'\n', end - 1) + 1;
            }
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

    private static FileStream? OpenOrNull(string path)
    {
        try
        {
            return LogFileReading.Open(path);
        }
        catch (IOException)
        {
            // Refused (a symbolic link or not a regular file) or unreadable: reads as no log, as before.
            return null;
        }
    }

    /// <summary>
    /// Reads from <paramref name="position"/> of the file held into <paramref name="buffer"/>: the bytes read,
    /// 0 at its end, or -1 when the file is now shorter than <paramref name="position"/> (truncated).
    /// </summary>
    private static int ReadSome(FileStream file, long position, byte[] buffer)
    {
        try
        {
            // pread on the handle: FileStream may keep a length it saw earlier, and this file is written by another.
            if (RandomAccess.GetLength(file.SafeFileHandle) < position)
            {
                return -1;
            }

            return RandomAccess.Read(file.SafeFileHandle, buffer, position);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The file now at <paramref name="path"/> when it is another file than <paramref name="held"/>; otherwise null.</summary>
    private static FileStream? Replaced(string path, FileStream? held)
    {
        var now = OpenOrNull(path);
        if (now is null)
        {
            // Gone (rotated, nothing written since) or refused: the file held is still the one to read.
            return null;
        }

        if (held is not null && LogFileReading.SameFile(held, now))
        {
            now.Dispose();
            return null;
        }

        return now;
    }
}
