using Upstart.JobFiles.Model;
using UpstartHost.Logging;
using UpstartHost.Processes;

namespace UpstartHost.Engine;

/// <summary>Spawning, reaping and killing through the process layer (Upstart's job_process.c, UPSTART.md §c.2).</summary>
internal sealed partial class EngineCore
{
    /// <summary>
    /// job_process_run: spawns one process; false (and logged) when it could not be spawned.
    /// <paramref name="output"/> also collects its last output lines (the pre-restart check).
    /// </summary>
    private bool Run(JobInstance instance, ProcessKind kind, OutputTail? output = null)
    {
        var config = instance.Config;
        var definition = config.GetProcess(kind);
        if (definition is null)
        {
            return false;
        }

        var env = JobEnvironment.ForProcess(_options, config.Name, instance.Name, kind, instance.Environment, instance.StopEnvironment);
        var logPath = config.Console == ConsoleMode.Log ? LogPathFor(config.Name, instance.Name) : null;
        SpawnResult result;
        try
        {
            result = _processes.Spawn(new SpawnRequest(config.Name, instance.Name, kind, definition, config, env, logPath) { Output = output, KeepWorkingDirectory = _options.SessionMode });
        }
#pragma warning disable CA1031 // The contract says Spawn never throws; if it does, the job fails, not the daemon.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result = SpawnResult.Failed(ex.Message);
        }

        if (!result.Succeeded)
        {
            EngineLog.SpawnFailed(_logger, instance.DisplayName, kind.ToUpstartName(), result.Error ?? "unknown error");
            return false;
        }

        // The process layer confirms the exec later (ProcessSpawned or ProcessSpawnFailed); until then the
        // instance waits in this state, as Upstart 1.13 waits in its "-ing" states.
        _processTable.AddSpawning(instance, kind, result.Pid);
        return true;
    }

    /// <summary>
    /// The instance's log file among the loaded jobs' (<see cref="LogFileName.Resolve"/>): Upstart's name, or
    /// JOB@INSTANCE.log when another job owns that name (logged), or none when both are another job's (warned).
    /// </summary>
    private string? LogPathFor(string job, string instance)
    {
        var path = LogFileName.Resolve(_options.LogDirectory, job, instance, _registry.LogClaims);
        var upstarts = LogFileName.For(_options.LogDirectory, job, instance);
        if (path is null)
        {
            var taken = Path.GetFileName(upstarts);
            EngineLog.LogNameTaken(_logger, job, instance, taken);
        }
        else if (path != upstarts)
        {
            var name = Path.GetFileName(path);
            var taken = Path.GetFileName(upstarts);
            EngineLog.LogNameDisambiguated(_logger, job, instance, name, taken);
        }

        return path;
    }

    /// <summary>A notice from the process layer: a spawn's outcome, a reaped child or expect readiness.</summary>
    public void OnProcessNotice(ProcessNotice notice)
    {
        switch (notice)
        {
            case ProcessSpawned spawned:
                OnProcessSpawned(spawned.Pid);
                break;
            case ProcessSpawnFailed failed:
                OnProcessSpawnFailed(failed.Pid, failed.Error);
                break;
            case ProcessExited exited when _processTable.TryHoldEarlyExit(exited):
                // Upstart records an exit that comes while the spawn is unconfirmed and acts on it after.
                break;
            case ProcessExited exited:
                OnProcessExited(exited.Pid, exited.Status, exited.Signaled);
                break;
            case ProcessGone gone:
                OnProcessGone(gone.Pid);
                break;
            case ProcessReady ready:
                // Readiness implies the exec happened, even if the layer did not say so first.
                OnProcessSpawned(ready.Pid);
                OnProcessReady(ready.Pid, ready.MainPid);
                break;
        }
    }

    /// <summary>
    /// The exec is confirmed: main with `expect none` leaves spawned now (the others wait for
    /// ProcessReady or for their process to end, or are killed if a stop came meanwhile); an exit that
    /// came first is handled after.
    /// </summary>
    private void OnProcessSpawned(int pid)
    {
        if (!_processTable.TryConfirm(pid, out var instance, out var kind, out var exited))
        {
            return;
        }

        if (kind == ProcessKind.Main && instance.State == JobState.Spawned && !instance.Destroyed)
        {
            if (instance.Config.Expect == ExpectMode.None)
            {
                ChangeState(instance, NextState(instance));
            }
            else if (instance.Goal == JobGoal.Stop)
            {
                // A stop that came while the exec was unconfirmed: kill the process expect waits on (ChangeGoal).
                Kill(instance);
            }
        }

        if (exited is not null)
        {
            OnProcessExited(exited.Pid, exited.Status, exited.Signaled);
        }
    }

    /// <summary>UPSTART.md §c.2: the process could not be spawned; it never ran, so no exit is reported for it.</summary>
    private void OnProcessSpawnFailed(int pid, string error)
    {
        if (!_processTable.TryRemoveFailedSpawn(pid, out var instance, out var kind))
        {
            return;
        }

        EngineLog.SpawnFailed(_logger, instance.DisplayName, kind.ToUpstartName(), error);
        if (kind == ProcessKind.PreRestart)
        {
            CheckCouldNotRun(instance);
            return;
        }

        var waitsIn = kind == ProcessKind.Main ? JobState.Spawned : StateOf(kind);
        if (instance.Destroyed || instance.State != waitsIn)
        {
            return;
        }

        OnSpawnFailed(instance, kind);
    }

    /// <summary>expect is satisfied: follow the new PID and leave spawned.</summary>
    private void OnProcessReady(int pid, int mainPid)
    {
        if (!_processTable.TryGetOwner(pid, out var instance, out var kind) || kind != ProcessKind.Main)
        {
            return;
        }

        if (mainPid > 0 && mainPid != pid)
        {
            _processTable.Follow(pid, mainPid);
        }

        if (instance.State == JobState.Spawned)
        {
            ChangeState(instance, NextState(instance));
        }
    }

    /// <summary>A reaped child: logged as Upstart does, then job_process_terminated.</summary>
    private void OnProcessExited(int pid, int status, bool signaled)
    {
        if (!_processTable.TryRemoveExited(pid, out var instance, out var kind))
        {
            return;
        }

        var process = kind.ToUpstartName();
        var encoded = status;
        if (signaled)
        {
            var name = SignalNames.ToShortName(status >> 8);
            if (char.IsAsciiDigit(name[0]))
            {
                EngineLog.KilledBySignalNumber(_logger, instance.DisplayName, process, pid, status >> 8);
            }
            else
            {
                EngineLog.KilledBy(_logger, instance.DisplayName, process, pid, name);
            }
        }
        else if (status != 0)
        {
            EngineLog.Terminated(_logger, instance.DisplayName, process, pid, status);
        }
        else
        {
            EngineLog.ExitedNormally(_logger, instance.DisplayName, process, pid);
        }

        if (_options.EmitProcessEvents)
        {
            Emit(JobEvents.ProcessExited, JobEvents.ProcessExitedEnvironment(
                instance.Config.Name, instance.Name, kind, pid, encoded, expected: IsExpectedExit(instance, kind, encoded)));
        }

        Terminated(instance, kind, encoded);
    }

    /// <summary>
    /// process-exited's EXPECTED, decided before the job reacts: no when, by the job's own rules, the exit fails the
    /// job or respawns it (main), or a script ended other than with status 0; yes when the daemon was ending it (a
    /// stop, the kill signal) or it ended as the job defines success (`normal exit`, a task's 0). An alert can then
    /// `start on process-exited EXPECTED=no` and hear of crashes, not of every stop.
    /// </summary>
    private static bool IsExpectedExit(JobInstance instance, ProcessKind kind, int status) =>
        kind == ProcessKind.Main
            ? !(instance.State is JobState.Spawned or JobState.PostStart or JobState.Running or JobState.PreStop
                && IsFailedMainExit(instance.Config, instance.Goal, status))
            : status == 0;

    /// <summary>
    /// job_process_terminated (UPSTART.md §c.2), for a process the table has already forgotten: decides failure, respawn and the goal, then moves the
    /// state unless post-start or pre-stop is still running.
    /// </summary>
    internal void Terminated(JobInstance instance, ProcessKind kind, int status)
    {
        if (kind == ProcessKind.PreRestart)
        {
            // The check runs beside the job's states and never moves them.
            CheckExited(instance, status);
            return;
        }

        var failed = false;
        var stop = false;
        var moveState = true;
        if (kind != ProcessKind.Main && instance.State != StateOf(kind))
        {
            // Upstart asserts here; a late or stray notice must not move the job.
            return;
        }

        switch (kind)
        {
            case ProcessKind.Security:
            case ProcessKind.PreStart:
            case ProcessKind.PostStop:
                if (status != 0)
                {
                    failed = true;
                    stop = true;
                }

                break;

            case ProcessKind.PostStart:
            case ProcessKind.PreStop:
                // Logged only; the job carries on.
                break;

            case ProcessKind.Main:
                (failed, stop, moveState) = MainTerminated(instance, status);
                break;
        }

        if (kind == ProcessKind.Main)
        {
            instance.KillTimer?.Dispose();
            instance.KillTimer = null;
        }

        if (failed)
        {
            Fail(instance, kind, status);
        }

        if (stop)
        {
            SetGoal(instance, JobGoal.Stop);
        }

        if (moveState && !instance.Destroyed)
        {
            ChangeState(instance, NextState(instance));
        }
    }

    /// <summary>The state in which a process other than main runs, and waits for it to end.</summary>
    private static JobState StateOf(ProcessKind kind) => kind switch
    {
        ProcessKind.Security => JobState.Security,
        ProcessKind.PreStart => JobState.PreStart,
        ProcessKind.PostStart => JobState.PostStart,
        ProcessKind.PreStop => JobState.PreStop,
        ProcessKind.PostStop => JobState.PostStop,
        _ => JobState.Running,
    };

    private (bool Failed, bool Stop, bool MoveState) MainTerminated(JobInstance instance, int status)
    {
        var config = instance.Config;

        // While post-start or pre-stop still runs, the state waits for it; the goal changes now.
        var moveState = !(instance.State == JobState.PostStart && instance.IsAlive(ProcessKind.PostStart))
            && !(instance.State == JobState.PreStop && instance.IsAlive(ProcessKind.PreStop));

        // Dying after the kill signal is what we asked for.
        if (instance.State == JobState.Killed)
        {
            return (false, false, moveState);
        }

        // Dying while the stopping event is handled: nothing to kill later, state unchanged for now.
        if (instance.State == JobState.Stopping)
        {
            return (false, false, false);
        }

        if (instance.State is not (JobState.Spawned or JobState.PostStart or JobState.Running or JobState.PreStop))
        {
            return (false, false, false);
        }

        var failed = IsFailedMainExit(config, instance.Goal, status);
        if (failed && config.Respawn && !_options.DisableRespawn)
        {
            var now = (long)Math.Floor(_clock.Monotonic.TotalSeconds);
            if (instance.Respawns.IsRunaway(config.RespawnLimit, now))
            {
                EngineLog.RespawningTooFast(_logger, instance.DisplayName);
                Fail(instance, null, null);
                if (_options.EmitProcessEvents)
                {
                    Emit(JobEvents.RespawnLimitReached, JobEvents.RespawnLimitEnvironment(config.Name, instance.Name, config.RespawnLimit));
                }

                return (false, true, moveState);
            }

            EngineLog.Respawning(_logger, instance.DisplayName, ProcessKind.Main.ToUpstartName());
            PlanRespawn(instance);
            if (!moveState)
            {
                SetGoal(instance, JobGoal.Respawn);
            }

            return (false, false, moveState);
        }

        return (failed, true, moveState);
    }

    /// <summary>
    /// A main process that ended on its own while the job wanted it (goal not stop) fails the job (or respawns it)
    /// unless its status is a `normal exit` one; status 0 is a normal end except for a respawning service.
    /// </summary>
    private static bool IsFailedMainExit(JobClassConfig config, JobGoal goal, int status) =>
        goal != JobGoal.Stop && (status != 0 || (config.Respawn && !config.Task)) && !IsNormalExit(config, status);

    /// <summary>`normal exit` lists statuses and signals (signo&lt;&lt;8), compared with the encoded status.</summary>
    private static bool IsNormalExit(JobClassConfig config, int status)
    {
        foreach (var item in config.NormalExit)
        {
            if (item.Encoded == status)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>job_process_kill: the kill signal to the main process group, then SIGKILL after kill timeout.</summary>
    private void Kill(JobInstance instance)
    {
        var pid = instance.Pid(ProcessKind.Main);
        instance.MainWasKilled = true;
        WarnIfNotSent(_processes.SignalGroup(pid, instance.Config.KillSignal), instance, pid, instance.Config.KillSignal);
        instance.KillTimer?.Dispose();
        instance.KillTimer = _clock.StartTimer(KillDelay(instance.Config.KillTimeout), () => _post(() => OnKillTimeout(instance, pid)));
    }

    /// <summary>
    /// A signal the kernel refused (`kill signal 99`: init(5) does not range-check numbers) is said, as Upstart says
    /// it; a process that is already gone (ESRCH) is not news.
    /// </summary>
    private void WarnIfNotSent(int errno, JobInstance instance, int pid, int signal)
    {
        if (errno != 0 && errno != Processes.Native.Libc.ESRCH)
        {
            EngineLog.SignalFailed(_logger, SignalNames.ToShortName(signal), instance.DisplayName, "main", pid, Processes.Native.Libc.ErrorText(errno));
        }
    }

    /// <summary>
    /// kill timeout is a time_t (64-bit) as in Upstart; System.Threading.Timer takes at most 2^32-2 ms
    /// (about 49.7 days) and TimeSpan overflows long before long.MaxValue seconds, so only here is it
    /// clamped. A negative value (kept from a failed override) kills at once.
    /// </summary>
    private static TimeSpan KillDelay(long seconds) =>
        TimeSpan.FromMilliseconds(Math.Clamp(seconds, 0, MaxTimerMilliseconds / 1000) * 1000);

    private const long MaxTimerMilliseconds = uint.MaxValue - 1L;

    private void OnKillTimeout(JobInstance instance, int pid)
    {
        if (instance.Destroyed || instance.State is not (JobState.Killed or JobState.Spawned) || instance.Pid(ProcessKind.Main) != pid)
        {
            return;
        }

        instance.KillTimer?.Dispose();
        instance.KillTimer = null;
        EngineLog.KillTimeout(_logger, instance.DisplayName, "main", pid, instance.Config.KillTimeout);
        _processes.SignalGroup(pid, SignalNames.Kill);
    }
}
