using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// What a later daemon needs to carry on supervising one instance (docs/daemon.md, "Restarting the
/// daemon"): its goal and state, the pids of its live processes (with their start time once the state
/// writer has read it), its respawn window and its environment. Immutable, so the engine thread can hand
/// it to the writer thread.
/// </summary>
/// <param name="RespawnWindowAgeSeconds">Seconds since the respawn window opened; null before any respawn.</param>
/// <param name="BackoffUntilUtc">
/// Hook for `respawn delay` back-off: when the pending respawn is due. Carried through the file but not
/// yet set or honoured by the engine.
/// </param>
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
    DateTimeOffset? BackoffUntilUtc = null);

/// <summary>
/// One live process. <see cref="StartTime"/> is /proc/PID/stat field 22 (clock ticks after boot): with
/// the pid it names one process for the life of the machine; 0 means unknown, and such a record is
/// never adopted.
/// </summary>
public readonly record struct ProcessRecord(ProcessKind Kind, int Pid, ulong StartTime);
