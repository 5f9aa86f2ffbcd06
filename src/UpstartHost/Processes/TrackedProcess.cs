using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// One spawned process as the process layer follows it: the pid the engine knows, the process followed
/// right now (differs while `expect fork|daemon` walks from the spawned parent to the daemon), and what
/// happened while Spawn was still waiting for the helper's exec. Mutated only under the layer's lock.
/// </summary>
internal sealed class TrackedProcess(ProcessLayer layer, ExpectMode expect) : IChildOwner
{
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

    /// <summary>Sessions seen along the fork chain: a daemon's session is the job's or one its ancestors created.</summary>
    public HashSet<int> Sessions { get; } = [];

    public bool SpawnPending { get; set; } = true;

    public bool SpawnFailed { get; set; }

    public (int Status, bool Signaled)? EarlyExit { get; set; }

    public bool EarlyStop { get; set; }

    /// <summary>The pid notices name: the spawned pid until ready, then the main pid announced in ProcessReady.</summary>
    public int NoticePid => Ready ? Current : Pid;

    public bool FollowsFork => Expect is ExpectMode.Fork or ExpectMode.Daemon;

    public void OnExited(int pid, int status, bool signaled) => Layer.OnChildExited(this, pid, status, signaled);

    public void OnStopped(int pid, int signal) => Layer.OnChildStopped(this, pid, signal);
}
