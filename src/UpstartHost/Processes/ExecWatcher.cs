using System.Collections.Concurrent;
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
    private readonly WakeablePoll poll = new();
    private readonly Thread thread;
    private volatile bool stopping;

    public ExecWatcher(Action<TrackedProcess> resolve)
    {
        this.resolve = resolve;
        thread = new Thread(Run) { IsBackground = true, Name = "upstart exec watcher" };
        thread.Start();
    }

    /// <summary>Starts watching <see cref="TrackedProcess.ErrorFd"/> of a process whose spawn is not yet confirmed.</summary>
    public void Add(TrackedProcess tracked)
    {
        added.Enqueue(tracked);
        poll.Wake();
    }

    /// <summary>Stops the thread; the caller closes the pipes still open (under each process's lock).</summary>
    public void Dispose()
    {
        stopping = true;
        poll.Wake();
        thread.Join(TimeSpan.FromSeconds(5));
        poll.Dispose();
    }

    private void Run()
    {
        while (!stopping)
        {
            while (added.TryDequeue(out var tracked))
            {
                watching.Add(tracked);
            }

            // A pipe the reaper already resolved is closed (its number may be reused): drop it before polling.
            watching.RemoveAll(t => t.ErrorFd < 0);
            if (!poll.Wait(watching, t => t.ErrorFd))
            {
                continue;
            }

            for (var i = 0; i < watching.Count; i++)
            {
                // Resolve re-checks under the process's lock that the pipe polled is still that process's.
                if (poll.IsReady(i) && !stopping)
                {
                    resolve(watching[i]);
                }
            }
        }
    }
}
