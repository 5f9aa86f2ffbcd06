using System.Runtime.InteropServices;
using UpstartHost.Processes.Native;

namespace UpstartHost.Processes;

/// <summary>Receives what the reaper learns about a child it was told to route to it.</summary>
internal interface IChildOwner
{
    /// <summary>The child was reaped: Upstart's status (exit code, or signo&lt;&lt;8 when signaled).</summary>
    void OnExited(int pid, int status, bool signaled);

    /// <summary>The child stopped (SIGSTOP and friends); it is still alive and still ours.</summary>
    void OnStopped(int pid, int signal);

    /// <summary>
    /// True while the owner needs this child's exit handled before any orphan is reaped: following
    /// `expect fork|daemon` looks at the orphans (zombies included) that the exit left behind.
    /// </summary>
    bool ReapBeforeOrphans { get; }
}

/// <summary>
/// The one reaper of the process (children belong to the process, not to an object, so there is exactly
/// one). The process becomes a child subreaper, so orphaned grandchildren come back to us instead of
/// pid 1; a dedicated thread blocks in waitid(P_ALL, WEXITED|WSTOPPED|WNOWAIT) — no SIGCHLD handler, no thread
/// pool hop, and .NET's own SIGCHLD handling only reaps children of System.Diagnostics.Process, which the
/// daemon never uses (DESIGN.md decision 4). Every child is reaped; children nobody claimed (orphans) are
/// reaped silently. The routing table's lock is a leaf: nothing else is locked or called while it is held
/// (except posix_spawn itself in <see cref="SpawnOwned"/>), and owners are called without it.
/// </summary>
internal sealed class ChildReaper
{
    private static readonly Lazy<ChildReaper> Shared = new(() => new ChildReaper(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Lock gate = new();
    private readonly Dictionary<int, IChildOwner> owners = [];
    private readonly object spawnSignal = new();
    private readonly object holdGate = new();
    private bool spawnedSinceCheck;
    private bool held = startHeld;
    private bool delivering;
    private static bool startHeld;

    private ChildReaper()
    {
        OwnPid = Libc.getpid();
        IsSubreaper = Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
        EnsureChildSignalNotIgnored();
        var thread = new Thread(Run) { IsBackground = true, Name = "upstart reaper" };
        thread.Start();
    }

    public static ChildReaper Instance => Shared.Value;

    /// <summary>
    /// The daemon, before anything uses the reaper: reap nothing until <see cref="Release"/>. After a
    /// re-exec the children of the old program are still ours, and one that exited during the exec waits
    /// as a zombie; it must not be reaped as a stray before the resumed engine claims it.
    /// </summary>
    public static void HoldFromStart() => startHeld = true;

    public int OwnPid { get; }

    /// <summary>False when prctl failed (very old kernel): orphans then go to pid 1 and expect fork|daemon cannot follow them.</summary>
    public bool IsSubreaper { get; }

    /// <summary>
    /// Runs <paramref name="spawn"/> and routes the new pid to <paramref name="owner"/> atomically: the
    /// reaper cannot look a pid up between the fork and the registration, so even a child that dies at
    /// once is delivered to its owner.
    /// </summary>
    public int SpawnOwned(Func<int> spawn, IChildOwner owner)
    {
        int pid;
        lock (gate)
        {
            pid = spawn();
            if (pid > 0)
            {
                owners[pid] = owner;
            }
        }

        if (pid > 0)
        {
            lock (spawnSignal)
            {
                spawnedSinceCheck = true;
                Monitor.PulseAll(spawnSignal);
            }
        }

        return pid;
    }

    /// <summary>
    /// Routes an orphan that was reparented to us (expect fork|daemon) to an owner. Called from an
    /// owner's <see cref="IChildOwner.OnExited"/>, i.e. on the reaper thread, the only thread that reaps:
    /// an orphan seen there cannot be reaped and dropped as unowned before it is adopted.
    /// </summary>
    public void Adopt(int pid, IChildOwner owner)
    {
        lock (gate)
        {
            owners[pid] = owner;
        }
    }

    /// <summary>
    /// Stops reaping (children that end stay zombies, status intact) and returns once no exit is being
    /// delivered: a re-exec then knows every exit reported so far has been posted to the engine.
    /// </summary>
    public void Hold()
    {
        lock (holdGate)
        {
            held = true;
            while (delivering)
            {
                Monitor.Wait(holdGate);
            }
        }
    }

    public void ReleaseHold()
    {
        lock (holdGate)
        {
            held = false;
            Monitor.PulseAll(holdGate);
        }
    }

    /// <summary>True when some owner has claimed <paramref name="pid"/> (it is not a stray orphan).</summary>
    public bool IsOwned(int pid)
    {
        lock (gate)
        {
            return owners.ContainsKey(pid);
        }
    }

    /// <summary>Stops routing the children of the matching owners; they are still reaped, silently.</summary>
    public void Release(Func<IChildOwner, bool> match)
    {
        lock (gate)
        {
            foreach (var pid in owners.Where(p => match(p.Value)).Select(p => p.Key).ToList())
            {
                owners.Remove(pid);
            }
        }
    }

    private unsafe void Run()
    {
        var first = new List<int>();
        while (true)
        {
            // Reset before waiting: a spawn that lands after this point is either seen by waitid or flagged.
            lock (spawnSignal)
            {
                spawnedSinceCheck = false;
            }

            // Peek first (WNOWAIT): the child stays a zombie until we decide the order it is reaped in.
            SigInfo info = default;
            if (Libc.waitid(Libc.P_ALL, 0, &info, Libc.WEXITED | Libc.WSTOPPED | Libc.WNOWAIT) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.ECHILD)
                {
                    lock (spawnSignal)
                    {
                        while (!spawnedSinceCheck)
                        {
                            Monitor.Wait(spawnSignal);
                        }
                    }
                }

                continue;
            }

            if (info.Pid <= 0)
            {
                continue;
            }

            lock (holdGate)
            {
                while (held)
                {
                    Monitor.Wait(holdGate);
                }

                delivering = true;
            }

            try
            {
                ReapInOrder(info.Pid, first);
            }
            finally
            {
                lock (holdGate)
                {
                    delivering = false;
                    Monitor.PulseAll(holdGate);
                }
            }
        }
    }

    private void ReapInOrder(int ready, List<int> first)
    {
        // An orphan's exit can be seen before the exit of the process that orphaned it (children are
        // listed per thread). Owners following a fork chain go first, while the orphan is still visible.
        first.Clear();
        lock (gate)
        {
            if (!owners.ContainsKey(ready))
            {
                first.AddRange(owners.Where(o => o.Value.ReapBeforeOrphans).Select(o => o.Key));
            }
        }

        foreach (var pid in first)
        {
            ReapAndDeliver(pid);
        }

        ReapAndDeliver(ready);
    }

    private unsafe void ReapAndDeliver(int pid)
    {
        SigInfo info = default;
        if (Libc.waitid(Libc.P_PID, pid, &info, Libc.WEXITED | Libc.WSTOPPED | Libc.WNOHANG) == 0 && info.Pid > 0)
        {
            Deliver(info);
        }
    }

    private void Deliver(SigInfo info)
    {
        IChildOwner? owner;
        var exited = info.Code is Libc.CLD_EXITED or Libc.CLD_KILLED or Libc.CLD_DUMPED;
        lock (gate)
        {
            if (owners.TryGetValue(info.Pid, out owner) && exited)
            {
                owners.Remove(info.Pid);
            }
        }

        if (owner is null)
        {
            return;
        }

        switch (info.Code)
        {
            case Libc.CLD_EXITED:
                owner.OnExited(info.Pid, info.Status, false);
                break;
            case Libc.CLD_KILLED or Libc.CLD_DUMPED:
                owner.OnExited(info.Pid, info.Status << 8, true);
                break;
            case Libc.CLD_STOPPED:
                owner.OnStopped(info.Pid, info.Status);
                break;
        }
    }

    /// <summary>
    /// With SIGCHLD ignored the kernel reaps children itself and no exit status reaches us; a daemon
    /// started by a parent that ignored it (nohup-style) would never see a job exit.
    /// </summary>
    private static void EnsureChildSignalNotIgnored() => SignalDisposition.StopIgnoring(Libc.SIGCHLD);
}
