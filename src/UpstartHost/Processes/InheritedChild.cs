using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>
/// A child the daemon's previous program started before it re-exec'd: still our child (same process), so
/// the reaper reports its real exit status, posted as an ordinary <see cref="ProcessExited"/>, and its
/// stops, which matter only for a main process still owed to `expect stop` (<see cref="AwaitStop"/>).
/// </summary>
internal sealed class InheritedChild(IProcessNoticeSink sink) : IChildOwner
{
    private readonly Lock gate = new();
    private readonly HashSet<int> awaitingStop = [];

    public bool ReapBeforeOrphans => false;

    /// <summary>
    /// The main process of an instance the previous program left in `spawned`, waiting for it to raise
    /// SIGSTOP: that stop is readiness, as it would have been (it is continued, and reported ready).
    /// </summary>
    public void AwaitStop(int pid)
    {
        lock (gate)
        {
            awaitingStop.Add(pid);
        }
    }

    /// <summary>Whether the pid was still owed its stop (it is not any more): exactly one caller gets true.</summary>
    public bool TakeAwaitedStop(int pid)
    {
        lock (gate)
        {
            return awaitingStop.Remove(pid);
        }
    }

    public void OnExited(int pid, int status, bool signaled)
    {
        _ = TakeAwaitedStop(pid);
        sink.Post(new ProcessExited(pid, status, signaled));
    }

    public void OnStopped(int pid, int signal)
    {
        // init(5): only the process's own SIGSTOP is readiness, and only while expect stop waits for it; a
        // stop of any other process (an administrator's kill -STOP) is left alone.
        if (signal == Libc.SIGSTOP && TakeAwaitedStop(pid))
        {
            Continue(pid);
        }
    }

    /// <summary>What expect stop does once the process has stopped: SIGCONT, and the engine hears it is ready.</summary>
    public void Continue(int pid)
    {
        Libc.kill(pid, Libc.SIGCONT);
        sink.Post(new ProcessReady(pid, pid));
    }
}
