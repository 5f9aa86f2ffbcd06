using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Engine;

/// <summary>
/// Every live process of every instance: pid → (instance, kind, phase), and each instance's pid per kind
/// (<see cref="JobInstance.Pid"/>), written only here so the two never disagree. The spawn-confirmation
/// rules live here too: an exit that arrives while a spawn is unconfirmed is held and handed back with
/// the confirmation (Upstart records it and acts after the "-ing" state), and a failed spawn drops it.
/// Engine thread only.
/// </summary>
internal sealed class ProcessTable
{
    /// <summary>Enum.GetValues allocates a new array on every call; instances are destroyed on every stop.</summary>
    private static readonly ProcessKind[] Kinds = Enum.GetValues<ProcessKind>();

    private readonly Dictionary<int, Entry> _byPid = [];

    /// <summary>Processes tracked, in any phase.</summary>
    public int Count => _byPid.Count;

    /// <summary>Counts every add and remove, so a state snapshot can tell that a pid changed.</summary>
    public long Version { get; private set; }

    /// <summary>A spawn that <see cref="IProcessLayer.Spawn"/> accepted; its exec is not confirmed yet.</summary>
    public void AddSpawning(JobInstance instance, ProcessKind kind, int pid)
    {
        Add(instance, kind, pid, ProcessPhase.Spawning);
    }

    /// <summary>A process already running and confirmed (an instance seeded in a given state).</summary>
    public void AddConfirmed(JobInstance instance, ProcessKind kind, int pid)
    {
        Add(instance, kind, pid, ProcessPhase.Confirmed);
    }

    public bool TryGetOwner(int pid, out JobInstance instance, out ProcessKind kind)
    {
        if (_byPid.TryGetValue(pid, out var entry))
        {
            (instance, kind) = (entry.Instance, entry.Kind);
            return true;
        }

        (instance, kind) = (null!, default);
        return false;
    }

    public ProcessPhase? PhaseOf(int pid) => _byPid.TryGetValue(pid, out var entry) ? entry.Phase : null;

    /// <summary>True while the pid's exec is unconfirmed (whether or not its exit has come meanwhile).</summary>
    public bool IsUnconfirmed(int pid) => PhaseOf(pid) is ProcessPhase.Spawning or ProcessPhase.ExitedBeforeConfirmation;

    /// <summary>
    /// Holds an exit that came before its spawn's confirmation; false when the pid is confirmed (or unknown)
    /// and the exit is to be handled now.
    /// </summary>
    public bool TryHoldEarlyExit(ProcessExited exited)
    {
        if (!_byPid.TryGetValue(exited.Pid, out var entry) || entry.Phase == ProcessPhase.Confirmed)
        {
            return false;
        }

        _byPid[exited.Pid] = entry with { Phase = ProcessPhase.ExitedBeforeConfirmation, EarlyExit = exited };
        return true;
    }

    /// <summary>
    /// The exec is confirmed. False when the pid was not awaiting confirmation (already confirmed, failed
    /// or forgotten). <paramref name="earlyExit"/> is an exit held meanwhile, for the caller to handle next.
    /// </summary>
    public bool TryConfirm(int pid, out JobInstance instance, out ProcessKind kind, out ProcessExited? earlyExit)
    {
        earlyExit = null;
        if (!_byPid.TryGetValue(pid, out var entry) || entry.Phase == ProcessPhase.Confirmed)
        {
            (instance, kind) = (null!, default);
            return false;
        }

        _byPid[pid] = entry with { Phase = ProcessPhase.Confirmed, EarlyExit = null };
        (instance, kind, earlyExit) = (entry.Instance, entry.Kind, entry.EarlyExit);
        return true;
    }

    /// <summary>
    /// The spawn failed: the process never ran, so it is forgotten with any exit held for it. False when
    /// the pid was not awaiting confirmation.
    /// </summary>
    public bool TryRemoveFailedSpawn(int pid, out JobInstance instance, out ProcessKind kind)
    {
        if (!_byPid.TryGetValue(pid, out var entry) || entry.Phase == ProcessPhase.Confirmed)
        {
            (instance, kind) = (null!, default);
            return false;
        }

        Remove(pid, entry);
        (instance, kind) = (entry.Instance, entry.Kind);
        return true;
    }

    /// <summary>A reaped process: forgotten, its instance's slot cleared. False when the pid is not tracked.</summary>
    public bool TryRemoveExited(int pid, out JobInstance instance, out ProcessKind kind)
    {
        if (!_byPid.TryGetValue(pid, out var entry))
        {
            (instance, kind) = (null!, default);
            return false;
        }

        Remove(pid, entry);
        (instance, kind) = (entry.Instance, entry.Kind);
        return true;
    }

    /// <summary>expect fork|daemon found the process to follow: the instance's main pid becomes <paramref name="newPid"/>.</summary>
    public void Follow(int oldPid, int newPid)
    {
        if (!_byPid.Remove(oldPid, out var entry))
        {
            return;
        }

        Add(entry.Instance, entry.Kind, newPid, ProcessPhase.Confirmed);
    }

    /// <summary>Forgets the instance's process of this kind, whatever its phase (a spawn failure reported out of band, a late notice).</summary>
    public void Forget(JobInstance instance, ProcessKind kind)
    {
        var pid = instance.Pid(kind);
        if (pid > 0 && _byPid.TryGetValue(pid, out var entry) && entry.Instance == instance)
        {
            _byPid.Remove(pid);
        }

        instance.AssignPid(kind, 0);
        Version++;
    }

    /// <summary>Forgets every process of a destroyed instance.</summary>
    public void ForgetAll(JobInstance instance)
    {
        foreach (var kind in Kinds)
        {
            if (instance.Pid(kind) > 0)
            {
                Forget(instance, kind);
            }
        }
    }

    private void Add(JobInstance instance, ProcessKind kind, int pid, ProcessPhase phase)
    {
        _byPid[pid] = new Entry(instance, kind, phase, null);
        instance.AssignPid(kind, pid);
        Version++;
    }

    private void Remove(int pid, Entry entry)
    {
        Version++;
        _byPid.Remove(pid);
        if (entry.Instance.Pid(entry.Kind) == pid)
        {
            entry.Instance.AssignPid(entry.Kind, 0);
        }
    }

    private readonly record struct Entry(JobInstance Instance, ProcessKind Kind, ProcessPhase Phase, ProcessExited? EarlyExit);
}
