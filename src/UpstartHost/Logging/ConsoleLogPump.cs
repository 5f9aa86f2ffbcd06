using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using UpstartHost.Processes.Native;

namespace UpstartHost.Logging;

/// <summary>
/// Reads every `console log` pty master on one thread (poll(2) over all of them plus an eventfd to wake
/// it) and hands what it reads to the <see cref="JobLogWriter"/>. A source ends when its pty reports
/// EIO/EOF, which happens once every process holding the slave — the job process and anything it left
/// behind — has closed it; remaining output is read first.
/// </summary>
internal sealed class ConsoleLogPump : IDisposable
{
    private const int ReadSize = 16 * 1024;

    private readonly JobLogWriter writer;
    private readonly ConcurrentQueue<(int Fd, string Path)> added = new();
    private readonly List<(int Fd, string Path)> sources = [];
    private readonly int wake;
    private readonly Thread thread;
    private volatile bool stopping;

    public ConsoleLogPump(JobLogWriter writer)
    {
        this.writer = writer;
        wake = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (wake < 0)
        {
            throw new IOException("eventfd: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
        }

        thread = new Thread(Run) { IsBackground = true, Name = "upstart log pump" };
        thread.Start();
    }

    /// <summary>Takes ownership of a non-blocking pty master whose output belongs in <paramref name="path"/>.</summary>
    public void Add(int masterFd, string path)
    {
        added.Enqueue((masterFd, path));
        Wake();
    }

    /// <summary>Reads what is left, closes every master, stops the thread.</summary>
    public void Dispose()
    {
        stopping = true;
        Wake();
        thread.Join(TimeSpan.FromSeconds(5));
        Libc.close(wake);
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        Libc.write(wake, &one, sizeof(ulong));
    }

    private unsafe void Run()
    {
        var buffer = new byte[ReadSize];
        var polls = new PollFd[16];
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
                    Libc.close(source.Fd);
                }

                return;
            }

            if (polls.Length < sources.Count + 1)
            {
                polls = new PollFd[(sources.Count + 1) * 2];
            }

            polls[0] = new PollFd { Fd = wake, Events = Libc.POLLIN };
            for (var i = 0; i < sources.Count; i++)
            {
                polls[i + 1] = new PollFd { Fd = sources[i].Fd, Events = Libc.POLLIN };
            }

            int ready;
            fixed (PollFd* p = polls)
            {
                ready = Libc.poll(p, (nuint)(sources.Count + 1), -1);
            }

            if (ready <= 0)
            {
                continue;
            }

            if (polls[0].Revents != 0)
            {
                ulong count;
                Libc.read(wake, &count, sizeof(ulong));
            }

            for (var i = sources.Count - 1; i >= 0; i--)
            {
                if (polls[i + 1].Revents != 0 && !Drain(sources[i], buffer))
                {
                    Libc.close(sources[i].Fd);
                    sources.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Reads until the pty is empty; false when it has ended (EIO once no slave is open, or EOF).</summary>
    private unsafe bool Drain((int Fd, string Path) source, byte[] buffer)
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
}
