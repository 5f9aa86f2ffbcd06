using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// Watches the close-on-exec error pipes of helpers that have not exec'd yet, on one thread (poll(2) over
/// all of them plus an eventfd to wake it), so the engine thread never waits for a child's setup — setsid
/// alone costs milliseconds under scheduler autogroups. A readable pipe (a failure record, or EOF once the
/// helper exec'd or died) is handed to <see cref="ProcessLayer.Resolve"/>, which decides under the
/// process's lock; the reaper resolves too when the child exits or stops first, so whichever comes first
/// wins and the other finds nothing left to do.
/// </summary>
internal sealed class ExecWatcher : IDisposable
{
    private readonly ConcurrentQueue<TrackedProcess> added = new();
    private readonly List<TrackedProcess> watching = [];
    private readonly Action<TrackedProcess> resolve;
    private readonly int wake;
    private readonly Thread thread;
    private volatile bool stopping;

    public ExecWatcher(Action<TrackedProcess> resolve)
    {
        this.resolve = resolve;
        wake = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (wake < 0)
        {
            throw new IOException("eventfd: " + Libc.ErrorText(Marshal.GetLastPInvokeError()));
        }

        thread = new Thread(Run) { IsBackground = true, Name = "upstart exec watcher" };
        thread.Start();
    }

    /// <summary>Starts watching <see cref="TrackedProcess.ErrorFd"/> of a process whose spawn is not yet confirmed.</summary>
    public void Add(TrackedProcess tracked)
    {
        added.Enqueue(tracked);
        Wake();
    }

    /// <summary>Stops the thread; the caller closes the pipes still open (under each process's lock).</summary>
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
        var polls = new PollFd[16];
        while (!stopping)
        {
            while (added.TryDequeue(out var tracked))
            {
                watching.Add(tracked);
            }

            // A pipe the reaper already resolved is closed (its number may be reused): drop it before polling.
            watching.RemoveAll(t => t.ErrorFd < 0);
            if (polls.Length < watching.Count + 1)
            {
                polls = new PollFd[(watching.Count + 1) * 2];
            }

            polls[0] = new PollFd { Fd = wake, Events = Libc.POLLIN };
            for (var i = 0; i < watching.Count; i++)
            {
                polls[i + 1] = new PollFd { Fd = watching[i].ErrorFd, Events = Libc.POLLIN };
            }

            int ready;
            fixed (PollFd* p = polls)
            {
                ready = Libc.poll(p, (nuint)(watching.Count + 1), -1);
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

            for (var i = 0; i < watching.Count; i++)
            {
                // Resolve re-checks under the process's lock that the pipe polled is still that process's.
                if (polls[i + 1].Revents != 0 && !stopping)
                {
                    resolve(watching[i]);
                }
            }
        }
    }
}
