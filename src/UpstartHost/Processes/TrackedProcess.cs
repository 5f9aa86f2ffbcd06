using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// One spawned process as the process layer follows it: the pid the engine knows, the process followed
/// right now (differs while `expect fork|daemon` walks from the spawned parent to the daemon). Mutated
/// only under the layer's lock.
/// </summary>
internal sealed class TrackedProcess(ProcessLayer layer, ExpectMode expect) : IChildOwner
{
    private int errorFd = -1;

    public ProcessLayer Layer { get; } = layer;

    public ExpectMode Expect { get; } = expect;

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

    /// <summary>The expect condition was met (always true for `expect none`).</summary>
    public bool Ready { get; set; } = expect == ExpectMode.None;

    /// <summary>Kernel start time of the spawned process (clock ticks): its descendants cannot be older.</summary>
    public ulong StartTime { get; set; }

    /// <summary>
    /// Pids of the fork chain followed so far and the sessions they were in: a daemon's session or
    /// process group is one of these (a session or group id is the pid of the process that created it).
    /// </summary>
    public HashSet<int> Lineage { get; } = [];

    /// <summary>
    /// Held by Spawn from before posix_spawn until it has recorded the pid, and by whoever resolves the
    /// helper's outcome; the reaper takes it before reporting anything about this process, so an exit or a
    /// stop that comes at once is handled after Spawn knows the pid and after ProcessSpawned, and no orphan
    /// can be reaped before the exit that left it is followed.
    /// </summary>
    public Lock SpawnLock { get; } = new();

    /// <summary>
    /// The read end of the helper's close-on-exec error pipe until the outcome is resolved; then -1.
    /// Read without the lock by the exec watcher, only to drop resolved pipes from its poll set.
    /// </summary>
    public int ErrorFd
    {
        get => Volatile.Read(ref errorFd);
        set => Volatile.Write(ref errorFd, value);
    }

    /// <summary>Limit names in the order the helper numbers them, to describe a failure record.</summary>
    public List<string> LimitNames { get; set; } = [];

    /// <summary>For the failure log line: the job and Upstart's process name.</summary>
    public string JobName { get; set; } = "";

    public string ProcessName { get; set; } = "";

    public bool SpawnFailed { get; set; }

    /// <summary>The pid notices name: the spawned pid until ready, then the main pid announced in ProcessReady.</summary>
    public int NoticePid => Ready ? Current : Pid;

    public bool FollowsFork => Expect is ExpectMode.Fork or ExpectMode.Daemon;

    /// <summary>Read by the reaper without the layer's lock: a stale answer only changes reaping order once.</summary>
    public bool ReapBeforeOrphans => FollowsFork && !Ready;

    public void OnExited(int pid, int status, bool signaled) => Layer.OnChildExited(this, pid, status, signaled);

    public void OnStopped(int pid, int signal) => Layer.OnChildStopped(this, pid, signal);
}
