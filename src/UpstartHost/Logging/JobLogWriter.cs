using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using UpstartHost.Processes.Native;

namespace UpstartHost.Logging;

/// <summary>
/// Appends job output to log files on its own thread, so neither the engine nor the pty reader ever
/// waits for a disk (DESIGN.md decision 7, UPSTART.md §f). The queue is bounded in bytes: past the
/// bound, output is dropped and that is reported once. Each batch opens the file with O_APPEND|O_CREAT
/// and closes it again, which gives Upstart's "reopened if deleted" for free and creates nothing until
/// there is output. A write that fails (full disk, a read-only or missing log directory) is reported once per
/// file and the output it could not write is kept in memory, in order, up to a bound for all files
/// (<see cref="DefaultPendingLimitBytes"/>): it is written before the file's next output, at the next
/// <see cref="RetryPendingAsync"/> (initctl's notify-disk-writeable), or by the writer's own retry every
/// <see cref="DefaultRetryInterval"/>, so a job that ended while the disk was full still gets its last lines
/// (UPSTART.md §f: Upstart keeps output in memory until its log directory is writable). A path that is not
/// the daemon's own regular file (a planted FIFO, symbolic link or another user's file) gets nothing, now or later.
/// </summary>
public sealed partial class JobLogWriter : IDisposable
{
    /// <summary>Default bound on queued, not yet written output.</summary>
    public const long DefaultQueueLimitBytes = 16L * 1024 * 1024;

    /// <summary>Default bound on output kept while its log could not be written, all logs together.</summary>
    public const long DefaultPendingLimitBytes = 16L * 1024 * 1024;

    /// <summary>How long kept output waits for the writer's own retry when nothing else comes to the writer.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(15);

    // Synchronous continuations: the only one is the writer thread's own wait (Run), so output wakes it from
    // the pty reader's thread, not through a pool work item (as the engine's inbox; EngineWakeTests).
    private readonly Channel<LogChunk> queue = Channel.CreateUnbounded<LogChunk>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly HashSet<string> failing = [];
    private readonly ILogger logger;
    private readonly long queueLimit;
    private readonly TimeProvider clock;
    private readonly Thread thread;
    private readonly long pendingLimit;
    private readonly TimeSpan retryInterval;

    // Writer thread only: output a failed write left, by path, in the order it came.
    private readonly Dictionary<string, List<LogChunk>> pending = new(StringComparer.Ordinal);
    private long queuedBytes;
    private long pendingBytes;
    private int overflowReported;
    private bool pendingOverflowReported;

    public JobLogWriter(
        ILogger logger,
        long queueLimitBytes = DefaultQueueLimitBytes,
        TimeProvider? clock = null,
        long pendingLimitBytes = DefaultPendingLimitBytes,
        TimeSpan? retryInterval = null)
    {
        this.logger = logger;
        this.clock = clock ?? TimeProvider.System;
        queueLimit = queueLimitBytes;
        pendingLimit = pendingLimitBytes;
        this.retryInterval = retryInterval ?? DefaultRetryInterval;
        thread = new Thread(Run) { IsBackground = true, Name = "upstart log writer" };
        thread.Start();
    }

    /// <summary>Output kept in memory because its log could not be written (any thread; for status and tests).</summary>
    public long PendingBytes => Interlocked.Read(ref pendingBytes);

    /// <summary>Queues output for <paramref name="path"/>; never blocks. False when it was dropped (queue full or closed).</summary>
    public bool TryAppend(string path, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Interlocked.Add(ref queuedBytes, data.Length) > queueLimit)
        {
            Interlocked.Add(ref queuedBytes, -data.Length);
            if (Interlocked.Exchange(ref overflowReported, 1) == 0)
            {
                LogQueueFull(logger, queueLimit);
            }

            return false;
        }

        // The time it left the job, not the time the disk took it: what Get-UpstartLog shows and merges by.
        if (!queue.Writer.TryWrite(new LogChunk(path, data, null, clock.GetUtcNow())))
        {
            Interlocked.Add(ref queuedBytes, -data.Length);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Completes once everything queued before the call has been written, kept (its log could not be written,
    /// and kept output was tried again first) or dropped.
    /// </summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite(new LogChunk("", ReadOnlyMemory<byte>.Empty, done, default)))
        {
            done.TrySetResult();
        }

        return done.Task;
    }

    /// <summary>
    /// notify-disk-writeable: tries every kept output now, after what was queued before the call. The result is how
    /// many bytes are still kept (their logs still cannot be written).
    /// </summary>
    public async Task<long> RetryPendingAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        return PendingBytes;
    }

    /// <summary>
    /// Re-exec, after the last flush: takes every output still kept, in order, so that the next program can keep it
    /// (the runtime state file carries it across the exec). Put back with <see cref="Keep"/> if the exec fails.
    /// </summary>
    public IReadOnlyList<KeptLogOutput> TakeKept()
    {
        lock (pending)
        {
            var kept = new List<KeptLogOutput>();
            foreach (var (path, chunks) in pending)
            {
                foreach (var chunk in chunks)
                {
                    kept.Add(new KeptLogOutput(path, chunk.Time, chunk.Data));
                }
            }

            pending.Clear();
            Interlocked.Exchange(ref pendingBytes, 0);
            pendingOverflowReported = false;
            return kept;
        }
    }

    /// <summary>
    /// Keeps output a previous program (or a failed exec) handed over, after what is kept already and within the
    /// same bound, and tries to write it at once.
    /// </summary>
    public void Keep(IReadOnlyList<KeptLogOutput> kept)
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (kept.Count == 0)
        {
            return;
        }

        lock (pending)
        {
            foreach (var output in kept)
            {
                if (Interlocked.Read(ref pendingBytes) + output.Data.Length > pendingLimit)
                {
                    continue;
                }

                if (!pending.TryGetValue(output.Path, out var chunks))
                {
                    pending[output.Path] = chunks = [];
                }

                chunks.Add(new LogChunk(output.Path, output.Data, null, output.Time));
                Interlocked.Add(ref pendingBytes, output.Data.Length);
            }
        }

        _ = FlushAsync();
    }

    /// <summary>
    /// The daemon is about to exit: output still kept in memory cannot follow it. Says how much is lost and
    /// for which logs, once, and forgets it. Call after the writer has stopped or from its last flush's continuation.
    /// </summary>
    public void AbandonPending(string why)
    {
        lock (pending)
        {
            if (pending.Count == 0)
            {
                return;
            }

            LogPendingLost(logger, PendingBytes, string.Join(", ", pending.Keys.Order(StringComparer.Ordinal)), why);
            pending.Clear();
            Interlocked.Exchange(ref pendingBytes, 0);
        }
    }

    /// <summary>Writes what is queued, then stops (bounded: a hung disk cannot hold the daemon's exit).</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        if (thread.Join(TimeSpan.FromSeconds(5)))
        {
            AbandonPending("the daemon is stopping");
        }
    }

    private void Run()
    {
        var batch = new List<LogChunk>();
        while (WaitForOutput())
        {
            while (queue.Reader.TryRead(out var chunk))
            {
                batch.Add(chunk);
            }

            WriteBatch(batch);
            batch.Clear();
        }

        RetryAllPending();
    }

    /// <summary>
    /// Waits for output; while output is kept, for at most <see cref="retryInterval"/>, then tries it again (a job
    /// that has ended writes nothing more that would carry its last lines out). False once the queue is closed.
    /// </summary>
    private bool WaitForOutput()
    {
        while (true)
        {
            if (pending.Count == 0)
            {
                return queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();
            }

            using var timeout = new CancellationTokenSource(retryInterval, clock);
            try
            {
                return queue.Reader.WaitToReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                RetryAllPending();
            }
        }
    }

    private void RetryAllPending()
    {
        List<string> paths;
        lock (pending)
        {
            paths = [.. pending.Keys];
        }

        foreach (var path in paths)
        {
            Write(path, TakePending(path) ?? []);
        }
    }

    private void WriteBatch(List<LogChunk> batch)
    {
        var start = 0;
        while (start < batch.Count)
        {
            var path = batch[start].Path;
            var end = start;
            while (end < batch.Count && batch[end].Path == path && batch[end].Flushed is null)
            {
                end++;
            }

            if (end == start)
            {
                // A flush: what was kept gets another try first, so a flush after the disk came back writes it.
                RetryAllPending();
                batch[start].Flushed!.TrySetResult();
                start++;
                continue;
            }

            long bytes = 0;
            var chunks = TakePending(path) ?? new List<LogChunk>(end - start);
            for (var i = start; i < end; i++)
            {
                chunks.Add(batch[i]);
                bytes += batch[i].Data.Length;
            }

            Interlocked.Add(ref queuedBytes, -bytes);
            Interlocked.Exchange(ref overflowReported, 0);
            Write(path, chunks);
            start = end;
        }
    }

    /// <summary>
    /// Appends <paramref name="chunks"/> (kept output first, then new) to the file. What a failed write did not
    /// get out is kept, from the exact byte where it stopped, unless the path is no file of ours.
    /// </summary>
    private void Write(string path, List<LogChunk> chunks)
    {
        if (chunks.Count == 0)
        {
            return;
        }

        var fd = OpenForAppend(path);
        var errno = 0;
        var unwritten = 0;
        ReadOnlyMemory<byte> rest = default;
        if (fd == NotRegular)
        {
            errno = -1;
        }
        else if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            rest = chunks[0].Data;
        }
        else
        {
            RecordTimes(path, chunks, 0, chunks.Count);
            for (; unwritten < chunks.Count; unwritten++)
            {
                if (!Libc.WriteAll(fd, chunks[unwritten].Data.Span, out var written))
                {
                    errno = Marshal.GetLastPInvokeError();
                    rest = chunks[unwritten].Data[written..];
                    break;
                }
            }

            Libc.close(fd);
        }

        if (errno == 0)
        {
            if (failing.Remove(path))
            {
                LogWriteRecovered(logger, path);
            }

            if (Interlocked.Read(ref pendingBytes) == 0)
            {
                pendingOverflowReported = false;
            }

            return;
        }

        if (failing.Add(path))
        {
            if (errno == -1)
            {
                LogNotRegular(logger, path);
            }
            else
            {
                LogWriteFailed(logger, path, Libc.ErrorText(errno), pendingLimit);
            }
        }

        if (errno != -1)
        {
            KeepUnwritten(path, chunks, unwritten, rest);
        }
    }

    /// <summary>Keeps chunks[first..] (the first cut to <paramref name="rest"/>) for <paramref name="path"/>, within the bound.</summary>
    private void KeepUnwritten(string path, List<LogChunk> chunks, int first, ReadOnlyMemory<byte> rest)
    {
        var kept = new List<LogChunk>(chunks.Count - first);
        for (var i = first; i < chunks.Count; i++)
        {
            var chunk = i == first ? chunks[i] with { Data = rest } : chunks[i];
            if (chunk.Data.Length == 0)
            {
                continue;
            }

            if (Interlocked.Read(ref pendingBytes) + chunk.Data.Length > pendingLimit)
            {
                if (!pendingOverflowReported)
                {
                    pendingOverflowReported = true;
                    LogPendingFull(logger, pendingLimit);
                }

                continue;
            }

            Interlocked.Add(ref pendingBytes, chunk.Data.Length);
            kept.Add(chunk);
        }

        if (kept.Count > 0)
        {
            lock (pending)
            {
                // Before anything kept for the path meanwhile (a handover's Keep from another thread): ours came first.
                if (pending.TryGetValue(path, out var later))
                {
                    kept.AddRange(later);
                }

                pending[path] = kept;
            }
        }
    }

    private List<LogChunk>? TakePending(string path)
    {
        lock (pending)
        {
            if (!pending.Remove(path, out var chunks))
            {
                return null;
            }

            long bytes = 0;
            foreach (var chunk in chunks)
            {
                bytes += chunk.Data.Length;
            }

            // Taken to be tried again, not written: the warning about the bound is re-armed once a write gets it all
            // out (Write), or a spewing job on a full disk would log it again with every write of its own.
            Interlocked.Add(ref pendingBytes, -bytes);
            return chunks;
        }
    }

    /// <summary>
    /// Appends to JOB.log.times when each chunk arrived (<see cref="LogLineTimes"/>), before the chunk itself
    /// is written, so a reader never sees bytes without their time. Best effort: a sidecar that cannot be
    /// written costs only exact times, never the output.
    /// </summary>
    private static void RecordTimes(string path, List<LogChunk> batch, int start, int end)
    {
        long offset;
        try
        {
            // This thread is the only writer, so the length now is where the first chunk will land.
            offset = new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return;
        }

        // A log that starts empty (new, recreated, truncated) starts its times afresh.
        var flags = offset == 0 ? TruncateFlag : 0;
        var records = new List<byte>();
        long lastMilliseconds = -1;
        for (var i = start; i < end; i++)
        {
            var milliseconds = batch[i].Time.ToUnixTimeMilliseconds();
            if (milliseconds != lastMilliseconds)
            {
                records.AddRange(LogLineTimes.Record(offset, batch[i].Time));
                lastMilliseconds = milliseconds;
            }

            offset += batch[i].Data.Length;
        }

        var fd = OpenForAppend(LogLineTimes.PathFor(path), flags);
        if (fd >= 0)
        {
            Libc.WriteAll(fd, records.ToArray());
            Libc.close(fd);
        }
    }

    // O_TRUNC on Linux.
    private const int TruncateFlag = 0x200;

    /// <summary><see cref="OpenForAppend"/>'s answer for a path that is there but is not a regular file.</summary>
    private const int NotRegular = -2;

    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    /// <summary>
    /// Opens the log for appending: never through a symbolic link (O_NOFOLLOW), and only a regular file.
    /// O_NONBLOCK keeps the open of a FIFO planted as the log from waiting for a reader, which held this
    /// thread (every job's output) and the daemon's stop for ever; a FIFO without a reader fails with ENXIO,
    /// anything else that is not a regular file is refused after fstat, on the opened descriptor (as
    /// <see cref="LogFileReading"/> does for readers). The flag is cleared before writing.
    /// </summary>
    /// <returns>The descriptor; -1 with errno set; or <see cref="NotRegular"/>.</returns>
    private static int OpenForAppend(string path, int extraFlags = 0)
    {
        var flags = Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_CLOEXEC | Libc.O_NOFOLLOW | Libc.O_NOCTTY | Libc.O_NONBLOCK | extraFlags;
        const int mode = 0x1a0; // 0640, as Upstart's log files
        var fd = Libc.open(path, flags, mode);
        if (fd < 0 && Marshal.GetLastPInvokeError() == Libc.ENOENT && Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Marshal.SetLastPInvokeError(Libc.ENOENT);
                return -1;
            }

            fd = Libc.open(path, flags, mode);
        }

        if (fd < 0)
        {
            // ENXIO: a FIFO (or a socket's path) with no reader; EISDIR: a directory.
            return Marshal.GetLastPInvokeError() is Libc.ENXIO or Libc.EISDIR ? NotRegular : -1;
        }

        if (!IsOwnRegularFile(fd))
        {
            Libc.close(fd);
            return NotRegular;
        }

        var status = Libc.fcntl(fd, Libc.F_GETFL, 0);
        if (status >= 0)
        {
            _ = Libc.fcntl(fd, Libc.F_SETFL, status & ~Libc.O_NONBLOCK);
        }

        return fd;
    }

    /// <summary>
    /// A regular file the daemon's user owns: in a log directory a group may write, someone else could have
    /// created a job's log first and so read what the job writes into it (the directory's own rule is in
    /// DaemonDirectories).
    /// </summary>
    private static unsafe bool IsOwnRegularFile(int fd)
    {
        var buffer = stackalloc byte[Libc.StatxSize];
        return Libc.statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_TYPE_MODE | StatxUid, buffer) == 0
            && (*(ushort*)(buffer + Libc.StatxModeOffset) & FileTypeMask) == RegularFile
            && *(uint*)(buffer + StatxUidOffset) == DaemonUser;
    }

    // STATX_UID, and stx_uid's offset in struct statx (fixed by the kernel ABI).
    private const uint StatxUid = 0x8;
    private const int StatxUidOffset = 20;

    private static readonly uint DaemonUser = geteuid();

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to write job log {Path}: {Reason}; its output is kept in memory (up to {Limit} bytes for all logs) and written when the log can be written (`upstartctl notify-disk-writeable` tries at once)")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job output kept while logs cannot be written has reached {Limit} bytes; further output of logs that cannot be written is dropped")]
    private static partial void LogPendingFull(ILogger logger, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Bytes} bytes of job output kept while their logs could not be written are lost ({Paths}): {Why}")]
    private static partial void LogPendingLost(ILogger logger, long bytes, string paths, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing to write job log {Path}: it is not a regular file of the daemon's own (a FIFO, a directory, a device or another user's file planted there?); its output is dropped until it is one")]
    private static partial void LogNotRegular(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job log {Path} is writable again")]
    private static partial void LogWriteRecovered(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job log queue is full ({Limit} bytes waiting for the disk); output is being dropped")]
    private static partial void LogQueueFull(ILogger logger, long limit);

    private readonly record struct LogChunk(string Path, ReadOnlyMemory<byte> Data, TaskCompletionSource? Flushed, DateTimeOffset Time);
}

/// <summary>Output a log could not take yet, as a re-exec hands it to the next program: the log, when it left the job, the bytes.</summary>
public sealed record KeptLogOutput(string Path, DateTimeOffset Time, ReadOnlyMemory<byte> Data);
