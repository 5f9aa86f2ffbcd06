using UpstartHost.Processes.Cgroups;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// What becomes of a spawned process, as the exec watcher and the reaper see it, turned into the engine's
/// notices: the helper's exec resolved (<see cref="ProcessSpawned"/> or <see cref="ProcessSpawnFailed"/>),
/// readiness for `expect stop|fork|daemon` (<see cref="ProcessReady"/>) and the exit
/// (<see cref="ProcessExited"/>). Each runs under the process's own lock, so its notices stay in order.
/// </summary>
public sealed partial class ProcessLayer
{
    /// <summary>
    /// The exec watcher found the helper's error pipe readable: resolves the exec (<see cref="ResolveExec"/>).
    /// </summary>
    internal void Resolve(TrackedProcess tracked)
    {
        // Without the lock (the reaper may need it): let the exec that closed the pipe finish, so that
        // ProcessSpawned means the job's program is in place (its name and environment readable).
        var pid = tracked.Pid;
        for (var attempt = 0; attempt < ImageWaitAttempts && tracked.ErrorFd >= 0 && ProcStat.ImageComplete(pid) == false; attempt++)
        {
            if (attempt < 20)
            {
                Thread.Yield();
            }
            else
            {
                Thread.Sleep(1);
            }
        }

        lock (tracked.Lock)
        {
            ResolveExec(tracked);
        }
    }

    /// <summary>About 20 yields then 10 ms at most: a helper that failed has no image to wait for (it is a zombie or gone).</summary>
    private const int ImageWaitAttempts = 30;

    /// <summary>
    /// Called under the process's lock, by the exec watcher (the pipe is readable) and by the reaper
    /// before it reports an exit (the child is gone, so its end of the pipe is closed). Reads the
    /// helper's outcome, once, and posts <see cref="ProcessSpawned"/> or <see cref="ProcessSpawnFailed"/>.
    /// Whoever comes second finds the process past <see cref="TrackedPhase.Spawning"/> and does nothing.
    /// </summary>
    private void ResolveExec(TrackedProcess tracked)
    {
        var fd = tracked.ErrorFd;
        if (tracked.Phase != TrackedPhase.Spawning || fd < 0)
        {
            return;
        }

        var failure = SpawnPipes.ReadHelperFailure(fd, tracked.LimitNames);
        Libc.close(fd);
        tracked.ErrorFd = -1;
        if (failure is null)
        {
            // End of file: the child has exec'd (or exited), so it no longer runs on what it was given.
            tracked.ReleaseSpawnMemory();
            tracked.TryApply(TrackedEvent.ExecSucceeded);
            if (!disposed)
            {
                sink.Post(new ProcessSpawned(tracked.Pid));
            }

            return;
        }

        // init(5): the job fails in this process; the helper's own exit is not the job's exit.
        tracked.TryApply(TrackedEvent.ExecFailed);
        byNoticePid.TryRemove(tracked.Pid, out _);
        if (!disposed)
        {
            LogSpawnFailed(logger, tracked.JobName, tracked.ProcessName, failure);
            sink.Post(new ProcessSpawnFailed(tracked.Pid, failure));
        }
    }

    /// <summary>
    /// Under the process's lock, when the reaper saw it stop: a helper stopped before its exec, with
    /// nothing on the pipe yet, is left unresolved (the read would wait for its exec or its death).
    /// </summary>
    private void ResolveExecIfReadable(TrackedProcess tracked)
    {
        if (tracked.ErrorFd is var fd and >= 0 && SpawnPipes.IsReadable(fd))
        {
            ResolveExec(tracked);
        }
    }

    /// <summary>The reaper's report of an exit. Notices are posted under the process's lock so they stay in order.</summary>
    internal void OnChildExited(TrackedProcess tracked, int pid, int status, bool signaled)
    {
        lock (tracked.Lock)
        {
            ResolveExec(tracked);
            if (pid == tracked.Pid)
            {
                // Reaped: a child that failed after writing its record is done with its memory only now.
                tracked.ReleaseSpawnMemory();
            }

            if (disposed)
            {
                return;
            }

            if (tracked.Phase == TrackedPhase.FollowingFork && status == 0 && !signaled && pid == tracked.Current)
            {
                FollowFork(tracked);
                return;
            }

            ReportExit(tracked, status, signaled);
        }
    }

    internal void OnChildStopped(TrackedProcess tracked, int pid, int signal)
    {
        // init(5): expect stop waits for the main process to raise SIGSTOP; anything else stopping it is not readiness.
        if (signal != Libc.SIGSTOP)
        {
            return;
        }

        lock (tracked.Lock)
        {
            ResolveExecIfReadable(tracked);
            if (!disposed && pid == tracked.Pid && tracked.TryApply(TrackedEvent.Stopped))
            {
                Libc.kill(tracked.Pid, Libc.SIGCONT);
                sink.Post(new ProcessReady(tracked.Pid, tracked.Pid));
            }
        }
    }

    /// <summary>Under the process's lock: the exit is reported under the pid the engine knows (none for a failed helper).</summary>
    private void ReportExit(TrackedProcess tracked, int status, bool signaled)
    {
        var noticePid = tracked.NoticePid;
        if (tracked.TryApply(TrackedEvent.Exited))
        {
            byNoticePid.TryRemove(noticePid, out _);
            sink.Post(new ProcessExited(noticePid, status, signaled));
        }
    }

    /// <summary>
    /// Under the process's lock, on the reaper thread: the followed process exited 0. Only the reaper
    /// thread reaps, so the orphans seen here stay visible (zombies included) until they are adopted.
    /// </summary>
    private void FollowFork(TrackedProcess tracked)
    {
        var orphans = ProcStat.ChildrenOf(reaper.OwnPid).Where(c => !reaper.IsOwned(c.Pid));
        Func<IReadOnlySet<int>>? inJobCgroup = tracked.Cgroup is { } cgroup ? () => CgroupFiles.ProcessIds(cgroup) : null;
        switch (ForkFollower.Decide(tracked, orphans, inJobCgroup))
        {
            case ForkFollower.Ready ready:
                tracked.Current = ready.Main.Pid;
                tracked.TryApply(TrackedEvent.DaemonFound);
                reaper.Adopt(ready.Main.Pid, tracked);
                byNoticePid.TryRemove(tracked.Pid, out _);
                byNoticePid[ready.Main.Pid] = tracked;
                sink.Post(new ProcessReady(tracked.Pid, ready.Main.Pid));
                break;
            case ForkFollower.Follow follow:
                tracked.Current = follow.Next.Pid;
                tracked.ForksLeft--;
                tracked.Lineage.Add(follow.Next.Pid);
                tracked.Lineage.Add(follow.Next.Session);
                tracked.TryApply(TrackedEvent.IntermediateFound);
                reaper.Adopt(follow.Next.Pid, tracked);
                break;
            default:
                ReportExit(tracked, 0, false);
                break;
        }
    }
}
