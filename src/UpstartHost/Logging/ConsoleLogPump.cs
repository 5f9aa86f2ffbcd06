using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using UpstartHost.Processes.Native;

namespace UpstartHost.Logging;

/// <summary>
/// Reads every `console log` pty master on one thread (poll(2) over all of them plus an eventfd to wake
/// it) and hands what it reads to the <see cref="JobLogWriter"/>. A source ends when its pty reports
/// EIO/EOF, which happens once every process holding the slave — the job process and anything it left
/// behind — has closed it; remaining output is read first. A channel kept in systemd's file-descriptor
/// store is released from it when it ends here (<see cref="LogChannelStore"/>).
/// </summary>
internal sealed class ConsoleLogPump : IDisposable
{
    private const int ReadSize = 16 * 1024;

    private readonly JobLogWriter writer;
    private readonly Action<string>? released;
    private readonly ConcurrentQueue<Source> added = new();
    private readonly List<Source> sources = [];
    private readonly WakeablePoll poll = new();
    private readonly Thread thread;
    private volatile bool stopping;
    private volatile bool detaching;

    /// <param name="released">Called, on the pump's thread, with the store name of each channel that ends.</param>
    public ConsoleLogPump(JobLogWriter writer, Action<string>? released = null)
    {
        this.writer = writer;
        this.released = released;
        thread = new Thread(Run) { IsBackground = true, Name = "upstart log pump" };
        thread.Start();
    }

    /// <summary>
    /// Takes ownership of a non-blocking pty master whose output belongs in <paramref name="path"/>; a
    /// <paramref name="tail"/> also gets every byte, and is completed when the output ends;
    /// <paramref name="storeName"/> is the channel's name in the file-descriptor store, if it is kept there.
    /// </summary>
    public void Add(int masterFd, string path, OutputTail? tail = null, string? storeName = null)
    {
        added.Enqueue(new Source(masterFd, path, tail, storeName));
        poll.Wake();
    }

    /// <summary>
    /// Re-exec: reads what is buffered now, stops the thread and hands every master back open (the job
    /// keeps writing into the pty; the next program reads on from there). The pump is finished after this.
    /// </summary>
    public IReadOnlyList<LogChannel> Detach()
    {
        detaching = true;
        stopping = true;
        poll.Wake();
        thread.Join();
        poll.Dispose();
        while (added.TryDequeue(out var source))
        {
            sources.Add(source);
        }

        return [.. sources.Select(s => new LogChannel(s.Fd, s.Path, s.StoreName))];
    }

    /// <summary>Reads what is left, closes every master, stops the thread.</summary>
    public void Dispose()
    {
        stopping = true;
        poll.Wake();
        thread.Join(TimeSpan.FromSeconds(5));
        poll.Dispose();
    }

    private void Run()
    {
        var buffer = new byte[ReadSize];
        while (true)
        {
            while (added.TryDequeue(out var source))
            {
                sources.Add(source);
            }

            if (stopping)
            {
                foreach (var source in sources)
                {
                    Drain(source, buffer);
                    if (!detaching)
                    {
                        Close(source);
                    }

                    // A tail is in this program's memory: it cannot follow the output across a re-exec.
                    source.Tail?.Complete();
                }

                return;
            }

            if (!poll.Wait(sources, s => s.Fd))
            {
                continue;
            }

            for (var i = sources.Count - 1; i >= 0; i--)
            {
                if (poll.IsReady(i) && !Drain(sources[i], buffer))
                {
                    Close(sources[i]);
                    sources[i].Tail?.Complete();
                    sources.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Our copy goes, then the store's: the pty ends once no process holds its slave either.</summary>
    private void Close(Source source)
    {
        Libc.close(source.Fd);
        if (source.StoreName is { } name)
        {
            released?.Invoke(name);
        }
    }

    /// <summary>Reads until the pty is empty; false when it has ended (EIO once no slave is open, or EOF).</summary>
    private unsafe bool Drain(Source source, byte[] buffer)
    {
        while (true)
        {
            nint n;
            fixed (byte* b = buffer)
            {
                n = Libc.read(source.Fd, b, buffer.Length);
            }

            if (n > 0)
            {
                writer.TryAppend(source.Path, buffer.AsSpan(0, (int)n).ToArray());
                source.Tail?.Append(buffer.AsSpan(0, (int)n));
                continue;
            }

            if (n == 0)
            {
                return false;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR)
            {
                continue;
            }

            return errno == Libc.EAGAIN;
        }
    }

    private readonly record struct Source(int Fd, string Path, OutputTail? Tail, string? StoreName);
}
