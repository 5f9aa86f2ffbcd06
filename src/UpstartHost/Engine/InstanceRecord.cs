using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// What a later daemon needs to carry on supervising one instance (docs/daemon.md, "Restarting the
/// daemon"): its goal and state, the pids of its live processes (with their start time once the state
/// writer has read it), its respawn window, its respawn back-off, its environment and its job cgroup.
/// Immutable, so the engine thread can hand it to the writer thread.
/// </summary>
/// <param name="RespawnWindowAgeSeconds">Seconds since the respawn window opened; null before any respawn.</param>
/// <param name="Backoff">The `respawn delay` back-off under way; null when there is none to carry.</param>
/// <param name="Cgroup">The cgroup its processes run in (docs/processes.md), so a later daemon still kills what they leave; null without one.</param>
/// <param name="MainWasKilled">The daemon signalled this run's main process to end it: the instance's end kills its leftovers.</param>
/// <param name="Fingerprint">The fingerprint of the job files of the definition the instance runs under (its class's active one); null when not read from disk.</param>
/// <param name="SinceUtc">When the instance entered its state (<see cref="JobInstance.Since"/>); null in a file written before it was recorded.</param>
public sealed record InstanceRecord(
    string Job,
    string Instance,
    JobGoal Goal,
    JobState State,
    IReadOnlyList<ProcessRecord> Processes,
    int RespawnCount,
    long? RespawnWindowAgeSeconds,
    IReadOnlyList<string> Environment,
    IReadOnlyList<string>? StopEnvironment,
    BackoffRecord? Backoff = null,
    string? Cgroup = null,
    bool MainWasKilled = false,
    string? Fingerprint = null,
    DateTimeOffset? SinceUtc = null);

/// <summary>
/// What a later daemon needs to go on backing off where this one stopped (docs/engine.md "Respawn
/// back-off"): the last wait (the next young death doubles it), whether a respawn under way has that wait
/// still to do, when the main process was spawned (to tell a crash from a run), and when the wait in
/// progress ends. Times are wall clock: the monotonic clock does not survive the daemon.
/// </summary>
/// <param name="Planned">A respawn is under way and has <paramref name="LastDelay"/> still to wait.</param>
/// <param name="DueUtc">The wait is in progress (post-stop, goal start) and ends then.</param>
public sealed record BackoffRecord(TimeSpan LastDelay, bool Planned, DateTimeOffset? MainStartedUtc, DateTimeOffset? DueUtc);

/// <summary>
/// One live process. <see cref="StartTime"/> is /proc/PID/stat field 22 (clock ticks after boot): with
/// the pid it names one process for the life of the machine; 0 means unknown, and such a record is
/// never adopted.
/// </summary>
public readonly record struct ProcessRecord(ProcessKind Kind, int Pid, ulong StartTime);

/// <summary>A definition recorded instances run under that is not the loaded one (<see cref="InstanceRecord.Fingerprint"/>), with its fingerprint.</summary>
public sealed record EarlierDefinition(JobClassConfig Config, string Fingerprint);
