using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// One instance of a job class (Upstart's Job): goal, state, environment, live processes, failure record
/// and what it blocks. Touched only on the engine thread.
/// </summary>
internal sealed class JobInstance
{
    private static readonly int ProcessKinds = Enum.GetValues<ProcessKind>().Length;
    private readonly int[] _pids = new int[ProcessKinds];

    public JobInstance(JobClass jobClass, string name)
    {
        Class = jobClass;
        Config = jobClass.Config;
        Name = name;
        StopCondition = Config.StopOn is { } on ? new EventConditionState(on) : null;
    }

    public JobClass Class { get; }

    /// <summary>The definition this instance was created with; kept even when the file changes.</summary>
    public JobClassConfig Config { get; }

    /// <summary>The expanded instance name; "" for a single-instance job.</summary>
    public string Name { get; }

    /// <summary>`name` or `name (instance)`, as Upstart's job_name prints it.</summary>
    public string DisplayName => Name.Length == 0 ? Config.Name : $"{Config.Name} ({Name})";

    public JobGoal Goal { get; set; } = JobGoal.Stop;

    public JobState State { get; set; } = JobState.Waiting;

    /// <summary>
    /// Beyond Upstart: when the instance entered <see cref="State"/> (wall clock), so `running` says since when (a
    /// respawn or a restart starts it again). Kept across a daemon restart (<see cref="InstanceRecord.SinceUtc"/>).
    /// </summary>
    public DateTimeOffset Since { get; set; }

    /// <summary>The job environment (§b.4), used by every process and by `stop on` $VAR expansion.</summary>
    public List<string> Environment { get; set; } = [];

    /// <summary>The environment of the latest start request or start event, applied on entering starting.</summary>
    public List<string>? StartEnvironment { get; set; }

    /// <summary>The stop event environment (with UPSTART_STOP_EVENTS) given to pre-stop and post-stop.</summary>
    public List<string>? StopEnvironment { get; set; }

    /// <summary>Each instance evaluates its own `stop on`, expanding $VAR against its environment.</summary>
    public EventConditionState? StopCondition { get; }


    public JobFailure? Failure { get; set; }

    /// <summary>The starting/stopping event this instance waits on.</summary>
    public EngineEvent? Blocker { get; set; }

    /// <summary>Events and requests released when the instance reaches its goal or fails.</summary>
    public List<Blocked> Blocking { get; } = [];

    public IDisposable? KillTimer { get; set; }

    /// <summary>While the main process of an `expect` job has yet to become ready: the timer of the warning that it has not.</summary>
    public IDisposable? NotReadyTimer { get; set; }

    /// <summary>The pre-restart check running in front of a restart or reload, if any.</summary>
    public RestartCheck? Check { get; set; }

    public RespawnWindow Respawns { get; } = new();

    /// <summary>Beyond Upstart: the wait before the next respawn (`respawn delay`).</summary>
    public RespawnBackoff Backoff { get; } = new();

    /// <summary>
    /// The daemon signalled this run's main process to end it (job_process_kill). Only then are the instance's
    /// leftovers killed when it finishes (its cgroup); a main process that ended by itself leaves what it started
    /// running, as under Upstart, so a task that starts a daemon the old way keeps working.
    /// </summary>
    public bool MainWasKilled { get; set; }

    /// <summary>True once the instance reached waiting and left its class.</summary>
    public bool Destroyed { get; set; }

    /// <summary>
    /// The runtime-state record last made of this instance and the environment lists it copied, reused while
    /// nothing it holds has changed (<see cref="EngineCore.SnapshotInstances"/>). The engine replaces an
    /// instance's environment lists and never edits them in place, so the same list is the same environment.
    /// </summary>
    public (InstanceRecord Record, List<string> Environment, List<string>? StopEnvironment)? LastRecord { get; set; }

    /// <summary>The pid of the live process of this kind; 0 when none. Written only by <see cref="ProcessTable"/>.</summary>
    public int Pid(ProcessKind kind) => _pids[(int)kind];

    public bool IsAlive(ProcessKind kind) => _pids[(int)kind] > 0;

    /// <summary>For <see cref="ProcessTable"/> alone, which keeps this in step with its pid index.</summary>
    internal void AssignPid(ProcessKind kind, int pid) => _pids[(int)kind] = pid;

    public bool MainAlive => Config.HasMain && IsAlive(ProcessKind.Main);

    /// <summary>The environment as a lookup table, for `stop on` expansion and `export` (a view, not a copy).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentTable => new EnvironmentLookup(Environment);
}
