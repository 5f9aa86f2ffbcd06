using UpstartHost.Engine;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// Processes an earlier daemon started and left running (it crashed or was killed): they are not our
/// children, so no wait call sees them end. Each is watched through a pidfd, which polls readable when
/// the process exits, and reported as <see cref="ProcessGone"/>. A pid is adopted only when the process
/// it names now has the start time that was recorded with it: a pid alone may have been reused.
/// </summary>
internal sealed class AdoptedProcesses : IDisposable
{
    private readonly IProcessNoticeSink sink;
    private readonly InheritedChild inherited;
    private readonly WakeablePoll poll = new();
    private readonly Lock gate = new();
    private readonly List<Watched> added = [];
    private readonly List<Watched> watched = [];
    private Thread? thread;
    private volatile bool disposed;

    public AdoptedProcesses(IProcessNoticeSink sink)
    {
        this.sink = sink;
        inherited = new InheritedChild(sink);
    }

    /// <summary>
    /// Starts watching the recorded process; false when it is gone, a zombie, or the pid now names another
    /// process. One that is still our child (we re-exec'd) goes to the reaper instead, which learns its
    /// real status, zombie or not.
    /// </summary>
    public bool TryAdopt(ProcessRecord record)
    {
        if (disposed || record.StartTime == 0 || record.Pid <= 1 || record.Pid == Environment.ProcessId)
        {
            return false;
        }

        if (ProcStat.Read(record.Pid) is { } child && child.ParentPid == Environment.ProcessId)
        {
            // Our child cannot be reaped by anyone else, so its pid cannot have been reused meanwhile.
            if (child.StartTime != record.StartTime)
            {
                return false;
            }

            ChildReaper.Instance.Adopt(record.Pid, inherited);
            return true;
        }

        var fd = Libc.pidfd_open(record.Pid);
        if (fd < 0)
        {
            return false;
        }

        // Checked after the pidfd pins the process: had the pid been reused since, the start time differs.
        if (ProcStat.Read(record.Pid) is not { } stat || stat.StartTime != record.StartTime || stat.IsZombie)
        {
            Libc.close(fd);
            return false;
        }

        lock (gate)
        {
            added.Add(new Watched(record.Pid, fd));
            if (thread is null)
            {
                thread = new Thread(Run) { IsBackground = true, Name = "upstart adopted" };
                thread.Start();
            }
        }

        poll.Wake();
        return true;
    }

    /// <summary>
    /// Restore of an instance the earlier program left in `spawned` waiting for `expect stop`, whose main process
    /// was adopted. True when its SIGSTOP will still be reported as readiness (the instance stays `spawned`): it
    /// is our child (we re-exec'd), so the reaper sees it stop, or it has stopped already and is continued now.
    /// False when it is not our child (the earlier daemon crashed): nothing here can see it stop, so one that has
    /// stopped already is continued, and the caller takes it as ready (docs/daemon.md).
    /// </summary>
    public bool ResumeExpectStop(int pid)
    {
        if (ProcStat.Read(pid) is not { IsZombie: false } stat)
        {
            return false;
        }

        if (stat.ParentPid != Environment.ProcessId)
        {
            if (stat.State == 'T')
            {
                Libc.kill(pid, Libc.SIGCONT);
            }

            return false;
        }

        // Owed first, looked at second: a stop between the two is then seen by one side or the other, never
        // by neither. A stop the earlier program took from the kernel but did not act on is one seen already.
        inherited.AwaitStop(pid);
        if (ProcStat.Read(pid) is { State: 'T' } && inherited.TakeAwaitedStop(pid))
        {
            inherited.Continue(pid);
        }

        return true;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Thread? running;
        lock (gate)
        {
            running = thread;
        }

        poll.Wake();
        running?.Join();
        lock (gate)
        {
            foreach (var w in added.Concat(watched))
            {
                Libc.close(w.Fd);
            }

            added.Clear();
            watched.Clear();
        }

        poll.Dispose();
    }

    private void Run()
    {
        while (!disposed)
        {
            lock (gate)
            {
                watched.AddRange(added);
                added.Clear();
            }

            if (!poll.Wait(watched, w => w.Fd))
            {
                continue;
            }

            for (var i = watched.Count - 1; i >= 0; i--)
            {
                if (!poll.IsReady(i))
                {
                    continue;
                }

                var w = watched[i];
                lock (gate)
                {
                    watched.RemoveAt(i);
                }

                Libc.close(w.Fd);
                if (!disposed)
                {
                    sink.Post(new ProcessGone(w.Pid));
                }
            }
        }
    }

    private readonly record struct Watched(int Pid, int Fd);
}
