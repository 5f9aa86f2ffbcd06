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
/// there is output. A write that fails (full disk, unwritable directory) is reported once per file
/// until it succeeds again; the job keeps running and its output in the meantime is dropped.
/// </summary>
public sealed partial class JobLogWriter : IDisposable
{
    /// <summary>Default bound on queued, not yet written output.</summary>
    public const long DefaultQueueLimitBytes = 16L * 1024 * 1024;

    // Synchronous continuations: the only one is the writer thread's own wait (Run), so output wakes it from
    // the pty reader's thread, not through a pool work item (as the engine's inbox; EngineWakeTests).
    private readonly Channel<LogChunk> queue = Channel.CreateUnbounded<LogChunk>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly HashSet<string> failing = [];
    private readonly ILogger logger;
    private readonly long queueLimit;
    private readonly TimeProvider clock;
    private readonly Thread thread;
    private long queuedBytes;
    private int overflowReported;

    public JobLogWriter(ILogger logger, long queueLimitBytes = DefaultQueueLimitBytes, TimeProvider? clock = null)
    {
        this.logger = logger;
        this.clock = clock ?? TimeProvider.System;
        queueLimit = queueLimitBytes;
        thread = new Thread(Run) { IsBackground = true, Name = "upstart log writer" };
        thread.Start();
    }

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

    /// <summary>Completes once everything queued before the call has been written (or dropped).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite(new LogChunk("", ReadOnlyMemory<byte>.Empty, done, default)))
        {
            done.TrySetResult();
        }

        return done.Task;
    }

    /// <summary>Writes what is queued, then stops (bounded: a hung disk cannot hold the daemon's exit).</summary>
    public void Dispose()
    {
        queue.Writer.TryComplete();
        thread.Join(TimeSpan.FromSeconds(5));
    }

    private void Run()
    {
        var batch = new List<LogChunk>();
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (queue.Reader.TryRead(out var chunk))
            {
                batch.Add(chunk);
            }

            WriteBatch(batch);
            batch.Clear();
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
                batch[start].Flushed!.TrySetResult();
                start++;
                continue;
            }

            Append(path, batch, start, end);
            start = end;
        }
    }

    private void Append(string path, List<LogChunk> batch, int start, int end)
    {
        long bytes = 0;
        for (var i = start; i < end; i++)
        {
            bytes += batch[i].Data.Length;
        }

        var fd = OpenForAppend(path);
        var errno = 0;
        if (fd == NotRegular)
        {
            errno = -1;
        }
        else if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
        }
        else
        {
            RecordTimes(path, batch, start, end);
            for (var i = start; i < end && errno == 0; i++)
            {
                if (!Libc.WriteAll(fd, batch[i].Data.Span))
                {
                    errno = Marshal.GetLastPInvokeError();
                }
            }

            Libc.close(fd);
        }

        Interlocked.Add(ref queuedBytes, -bytes);
        Interlocked.Exchange(ref overflowReported, 0);
        if (errno != 0)
        {
            if (failing.Add(path))
            {
                if (errno == -1)
                {
                    LogNotRegular(logger, path);
                }
                else
                {
                    LogWriteFailed(logger, path, Libc.ErrorText(errno));
                }
            }
        }
        else if (failing.Remove(path))
        {
            LogWriteRecovered(logger, path);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to write job log {Path}: {Reason}; its output is dropped until writing succeeds again")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing to write job log {Path}: it is not a regular file of the daemon's own (a FIFO, a directory, a device or another user's file planted there?); its output is dropped until it is one")]
    private static partial void LogNotRegular(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job log {Path} is writable again")]
    private static partial void LogWriteRecovered(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job log queue is full ({Limit} bytes waiting for the disk); output is being dropped")]
    private static partial void LogQueueFull(ILogger logger, long limit);

    private readonly record struct LogChunk(string Path, ReadOnlyMemory<byte> Data, TaskCompletionSource? Flushed, DateTimeOffset Time);
}
