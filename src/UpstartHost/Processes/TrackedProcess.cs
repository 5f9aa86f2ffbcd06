using UpstartHost.Processes.Native;
using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// One spawned process as the process layer follows it: its <see cref="Phase"/> (moved only by
/// <see cref="TryApply"/>, through <see cref="TrackedTransitions"/>), the pid the engine knows, and the
/// process followed right now (it differs while `expect fork|daemon` walks from the spawned parent to
/// the daemon). Everything is read and changed under <see cref="Lock"/>, this process's only lock, so
/// what the engine hears about one process is in order: Spawn holds it until the pid is recorded, and
/// the exec watcher and the reaper each take it before they resolve the exec or report an exit or a stop.
/// </summary>
internal sealed class TrackedProcess(ProcessLayer layer, ExpectMode expect) : IChildOwner
{
    private volatile TrackedPhase phase = TrackedPhase.Spawning;
    private int errorFd = -1;

    public ProcessLayer Layer { get; } = layer;

    public ExpectMode Expect { get; } = expect;

    public Lock Lock { get; } = new();

    /// <summary>Volatile so the reaper can ask <see cref="ReapBeforeOrphans"/> without the lock.</summary>
    public TrackedPhase Phase => phase;

    /// <summary>The pid Spawn returned.</summary>
    public int Pid { get; set; }

    /// <summary>The process followed now: Pid, an intermediate fork, or the daemon once ready.</summary>
    public int Current { get; set; }

    /// <summary>Forks still to follow: 1 for `expect fork`, 2 for `expect daemon`.</summary>
    public int ForksLeft { get; set; } = expect switch
    {
        ExpectMode.Fork => 1,
        ExpectMode.Daemon => 2,
        _ => 0,
    };

    /// <summary>Kernel start time of the spawned process (clock ticks): its descendants cannot be older.</summary>
    public ulong StartTime { get; set; }

    /// <summary>
    /// Pids of the fork chain followed so far and the sessions they were in: a daemon's session or
    /// process group is one of these (a session or group id is the pid of the process that created it).
    /// </summary>
    public HashSet<int> Lineage { get; } = [];

    /// <summary>The job instance's cgroup directory the process was started in; null without job cgroups.</summary>
    public string? Cgroup { get; set; }

    /// <summary>
    /// The read end of the helper's close-on-exec error pipe while <see cref="TrackedPhase.Spawning"/>;
    /// -1 once read and closed. Read without the lock by the exec watcher, only to drop closed pipes from
    /// its poll set.
    /// </summary>
    public int ErrorFd
    {
        get => Volatile.Read(ref errorFd);
        set => Volatile.Write(ref errorFd, value);
    }

    /// <summary>
    /// What a child started by the spawn library reads until it has exec'd; null for a helper program or
    /// once released (<see cref="ReleaseSpawnMemory"/>). Under <see cref="Lock"/>.
    /// </summary>
    public SpawnMemory? SpawnMemory { get; set; }

    /// <summary>
    /// Under <see cref="Lock"/>, once the spawned child no longer runs on the daemon's memory: its error pipe
    /// reached end of file (exec'd or exited) or it was reaped.
    /// </summary>
    public void ReleaseSpawnMemory()
    {
        SpawnMemory?.Dispose();
        SpawnMemory = null;
    }

    /// <summary>Limit names in the order the helper numbers them, to describe a failure record.</summary>
    public List<string> LimitNames { get; set; } = [];

    /// <summary>For the failure log line: the job and Upstart's process name.</summary>
    public string JobName { get; set; } = "";

    public string ProcessName { get; set; } = "";

    /// <summary>The pid notices name: the spawned pid until ready, then the main pid announced in ProcessReady.</summary>
    public int NoticePid => phase == TrackedPhase.Running ? Current : Pid;

    /// <summary>
    /// Read by the reaper without the lock (a stale answer only changes reaping order once): a process
    /// that may be following a fork chain needs its exit handled while the orphans it left are visible.
    /// </summary>
    public bool ReapBeforeOrphans =>
        phase == TrackedPhase.FollowingFork
        || (phase == TrackedPhase.Spawning && Expect is ExpectMode.Fork or ExpectMode.Daemon);

    /// <summary>
    /// The one way the phase changes. Called under <see cref="Lock"/>. False when the event changes
    /// nothing in the current phase, and the caller is then to do nothing either.
    /// </summary>
    public bool TryApply(TrackedEvent e)
    {
        if (TrackedTransitions.Next(phase, e, Expect) is not { } next)
        {
            return false;
        }

        phase = next;
        return true;
    }

    public void OnExited(int pid, int status, bool signaled) => Layer.OnChildExited(this, pid, status, signaled);

    public void OnStopped(int pid, int signal) => Layer.OnChildStopped(this, pid, signal);
}
