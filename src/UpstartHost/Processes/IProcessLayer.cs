using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// The seam between the engine (one thread, pure state) and real processes. The engine calls it on its
/// own thread; outcomes that come later (exit, expect readiness) are posted back as
/// <see cref="ProcessNotice"/> messages. Engine tests use a fake; the real one spawns through the exec
/// helper (DESIGN.md decision 4).
/// </summary>
public interface IProcessLayer
{
    /// <summary>
    /// Spawns one process of a job. Asynchronous, like Upstart 1.13's job_process_spawn with its
    /// "-ing" states: returns the pid as soon as the exec helper is running. Whether the helper then
    /// exec'd the target is posted later, exactly once per returned pid: <see cref="ProcessSpawned"/>
    /// or <see cref="ProcessSpawnFailed"/>, before any other notice about that pid. Never throws for a
    /// bad job: what fails before the helper runs (NUL bytes, no helper) is a <see cref="SpawnResult"/>
    /// with an error; what fails in the helper (missing binary, unknown user) is ProcessSpawnFailed.
    /// </summary>
    SpawnResult Spawn(SpawnRequest request);

    /// <summary>
    /// Sends a signal to the process group led by <paramref name="pid"/> (kill(-pid, sig)); falls back to the pid.
    /// Returns 0, or kill(2)'s errno when the signal could not be sent (EINVAL for a number the kernel has no signal for).
    /// </summary>
    int SignalGroup(int pid, int signal);

    /// <summary>Sends a signal to one process (reload signal goes to the main PID only); 0 or kill(2)'s errno.</summary>
    int Signal(int pid, int signal);

    /// <summary>
    /// The instance has finished (it is back at waiting: main process gone, post-stop done). With
    /// <paramref name="killLeftovers"/> (the daemon stopped its main process) the real layer kills whatever of the
    /// instance is left in its cgroup, such as a child that escaped the process group with setsid; otherwise it
    /// lets the cgroup go and leaves its processes alone, as Upstart would.
    /// </summary>
    void InstanceFinished(string jobName, string instance, bool killLeftovers)
    {
    }

    /// <summary>The cgroup the instance's processes join, for the runtime state; null when it has none.</summary>
    string? CgroupOf(string jobName, string instance) => null;

    /// <summary>
    /// Restore: an earlier daemon ran the instance's processes in <paramref name="path"/> (from the runtime state,
    /// so checked before use). The instance's later processes join it, and <see cref="InstanceFinished"/> and the
    /// daemon's exit treat it as one this daemon made.
    /// </summary>
    void ResumeCgroup(string jobName, string instance, string path)
    {
    }
}

/// <summary>
/// Everything needed to start one process. <see cref="Environment"/> is complete (job env, UPSTART_JOB,
/// UPSTART_INSTANCE, and for pre-/post-stop the stop environment) as KEY=VALUE strings.
/// </summary>
public sealed record SpawnRequest(
    string JobName,
    string Instance,
    ProcessKind Kind,
    ProcessDefinition Process,
    JobClassConfig Config,
    IReadOnlyList<string> Environment,
    string? LogPath)
{
    /// <summary>
    /// Also collects the last lines of the process's `console log` output (a pre-restart check's reply);
    /// the layer completes it when the output ends, at once when there is no log pty.
    /// </summary>
    public Logging.OutputTail? Output { get; init; }

    /// <summary>
    /// A session daemon's process (Upstart's user mode): without `chdir` it stays in the daemon's working
    /// directory, as under `init --user` (the session's, usually the home directory), instead of going to `/`.
    /// </summary>
    public bool KeepWorkingDirectory { get; init; }
}

/// <summary>Pid &gt; 0 on success; otherwise Error says why (logged, and the job fails in that process).</summary>
public readonly record struct SpawnResult(int Pid, string? Error)
{
    public bool Succeeded => Pid > 0;

    public static SpawnResult Ok(int pid) => new(pid, null);

    public static SpawnResult Failed(string error) => new(0, error);
}

/// <summary>What the process layer reports to the engine after a spawn.</summary>
public abstract record ProcessNotice(int Pid);

/// <summary>
/// A reaped child. <see cref="Status"/> uses Upstart's convention: the exit code, or signo&lt;&lt;8 when
/// <see cref="Signaled"/>.
/// </summary>
public sealed record ProcessExited(int Pid, int Status, bool Signaled) : ProcessNotice(Pid);

/// <summary>
/// `expect stop|fork|daemon` is satisfied for the main process spawned as <see cref="ProcessNotice.Pid"/>:
/// the job may leave `spawned`; <see cref="MainPid"/> is the PID to supervise from now on (for `expect
/// stop` the same PID, already sent SIGCONT). For `expect none` no notice is sent.
/// </summary>
public sealed record ProcessReady(int Pid, int MainPid) : ProcessNotice(Pid);

/// <summary>
/// The helper exec'd the job's program (its close-on-exec error pipe reached EOF): the spawn returned
/// as <see cref="ProcessNotice.Pid"/> succeeded. Posted before any other notice about that pid: Spawn
/// returns as soon as the exec helper runs, so the exec's outcome always arrives later as a notice.
/// </summary>
public sealed record ProcessSpawned(int Pid) : ProcessNotice(Pid);

/// <summary>
/// The helper could not run the job's program (<see cref="Error"/> is Upstart's reason, e.g. "unable to
/// execute: No such file or directory") and has exited. This is the last notice about that pid: its
/// exit is never reported as a <see cref="ProcessExited"/>.
/// </summary>
public sealed record ProcessSpawnFailed(int Pid, string Error) : ProcessNotice(Pid);

/// <summary>Where the process layer posts notices (the engine's inbox).</summary>
public interface IProcessNoticeSink
{
    void Post(ProcessNotice notice);
}
