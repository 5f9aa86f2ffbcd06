using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>Goal and state changes of instances (Upstart's job.c, UPSTART.md §c.1).</summary>
internal sealed partial class EngineCore
{
    private JobInstance GetOrCreateInstance(JobClass jobClass, string name)
    {
        if (!jobClass.Instances.TryGetValue(name, out var instance))
        {
            // Waiting since now, until it moves on (at once, in all but a seeded or restored instance).
            instance = new JobInstance(jobClass, name) { Since = _clock.UtcNow };
            jobClass.Instances[name] = instance;
        }

        return instance;
    }

    /// <summary>
    /// job_change_goal: only waiting (goal start) and running (goal stop) move at once; in any other state
    /// the goal is recorded and picked up when the current process or event finishes.
    /// </summary>
    internal void ChangeGoal(JobInstance instance, JobGoal goal)
    {
        if (instance.Goal == goal)
        {
            return;
        }

        LogGoal(instance, goal);
        var wasWaitingToRespawn = CancelRespawnWait(instance);
        instance.Goal = goal;
        NotifyInstance(instance, NotificationKind.Goal);
        if ((instance.State == JobState.Waiting && goal == JobGoal.Start)
            || (instance.State == JobState.Running && goal == JobGoal.Stop)
            || wasWaitingToRespawn)
        {
            ChangeState(instance, NextState(instance));
        }
        else if (instance.State == JobState.Spawned && goal == JobGoal.Stop && instance.MainAlive
            && !_processTable.IsUnconfirmed(instance.Pid(ProcessKind.Main)))
        {
            // Beyond Upstart, which hangs here (UPSTART.md §a.2: too few forks leave the job in spawned):
            // a main process still awaited by expect is killed, and its exit moves the job on to stopping.
            // One whose exec is not confirmed yet is left alone until it is (OnProcessSpawned).
            Kill(instance);
        }
    }

    /// <summary>Sets the goal without the side effect of moving a running job (job_process_terminated).</summary>
    private void SetGoal(JobInstance instance, JobGoal goal)
    {
        if (instance.Goal != goal)
        {
            LogGoal(instance, goal);
            instance.Goal = goal;
            NotifyInstance(instance, NotificationKind.Goal);
        }
    }

    private void LogGoal(JobInstance instance, JobGoal goal)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            EngineLog.GoalChanged(_logger, instance.DisplayName, instance.Goal, goal);
        }
    }

    /// <summary>job_next_state, applying the goal change the table asks for (respawn back to start).</summary>
    private static JobState NextState(JobInstance instance)
    {
        var step = StateTable.Next(instance.State, instance.Goal, instance.MainAlive)
            ?? throw new InvalidOperationException(
                $"{instance.DisplayName}: no transition from {instance.Goal.ToUpstartName()}/{instance.State.ToUpstartName()}");
        instance.Goal = step.Goal;
        return step.State;
    }

    /// <summary>
    /// job_change_state: enters states one after another until one has to wait for a process, an event or
    /// a kill; entering waiting destroys the instance.
    /// </summary>
    internal void ChangeState(JobInstance instance, JobState target)
    {
        while (instance.State != target && !instance.Destroyed)
        {
            if (instance.State == JobState.PostStop && target == JobState.Starting && TryBeginRespawnWait(instance))
            {
                return;
            }

            var old = instance.State;
            if (old == JobState.Spawned)
            {
                instance.NotReadyTimer?.Dispose();
                instance.NotReadyTimer = null;
            }

            instance.State = target;
            instance.Since = _clock.UtcNow;
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                EngineLog.StateChanged(_logger, instance.DisplayName, old, target);
            }

            NotifyInstance(instance, NotificationKind.State);
            target = Enter(instance, old);
        }
    }

    /// <summary>What entering the instance's (new) state does; returns the state to go to next, or the same state to rest.</summary>
    private JobState Enter(JobInstance instance, JobState old)
    {
        switch (instance.State)
        {
            case JobState.Starting:
                if (instance.StartEnvironment is { } startEnv)
                {
                    instance.Environment = startEnv;
                    instance.StartEnvironment = null;
                }

                instance.StopEnvironment = null;
                instance.Failure = null;
                instance.Class.LastFailure = null;
                instance.Blocker = EmitJobEvent(instance, JobEvents.Starting, blocking: true);
                return instance.State;

            case JobState.Security:
                // The AppArmor load process; skipped when AppArmor is not available (UPSTART.md §a).
                return RunOrFail(instance, ProcessKind.Security, _options.AppArmorAvailable);

            case JobState.PreStart:
                return RunOrFail(instance, ProcessKind.PreStart, run: true);

            case JobState.Spawned:
                if (instance.Config.HasMain)
                {
                    instance.MainWasKilled = false;
                    if (!Run(instance, ProcessKind.Main))
                    {
                        return FailSpawn(instance, ProcessKind.Main);
                    }

                    instance.Backoff.MainStarted(_clock.Monotonic);
                    WarnIfNeverReady(instance);

                    // Wait here for ProcessSpawned (expect none) or ProcessReady (expect stop|fork|daemon).
                    return instance.State;
                }

                return NextState(instance);

            case JobState.PostStart:
            case JobState.PreStop:
                {
                    // A post-start or pre-stop that cannot be spawned is only logged. pre-stop runs only
                    // while there is a main process to stop.
                    var kind = instance.State == JobState.PostStart ? ProcessKind.PostStart : ProcessKind.PreStop;
                    var wanted = kind == ProcessKind.PostStart || instance.MainAlive;
                    if (wanted && instance.Config.Processes.ContainsKey(kind) && Run(instance, kind))
                    {
                        return instance.State;
                    }

                    return NextState(instance);
                }

            case JobState.Running:
                if (old == JobState.PreStop)
                {
                    // A cancelled stop is not a change of goal: no second started event. But a service is
                    // where a start wants it again, so the start that cancelled the stop (and the blocking
                    // stop it cancelled) return now, or `start` would wait for ever; a task's start still
                    // waits for it to finish.
                    instance.StopEnvironment = null;
                    if (!instance.Config.Task)
                    {
                        Finished(instance, failed: false);
                    }
                }
                else
                {
                    EmitJobEvent(instance, JobEvents.Started, blocking: false);
                    if (!instance.Config.Task)
                    {
                        // A service has reached its goal here; a task only when it has stopped again.
                        Finished(instance, failed: false);
                    }
                }

                return instance.State;

            case JobState.Stopping:
                instance.Blocker = EmitJobEvent(instance, JobEvents.Stopping, blocking: true);
                return instance.State;

            case JobState.Killed:
                if (instance.MainAlive)
                {
                    Kill(instance);
                    return instance.State;
                }

                return NextState(instance);

            case JobState.PostStop:
                return RunOrFail(instance, ProcessKind.PostStop, run: true);

            case JobState.Waiting:
                EmitJobEvent(instance, JobEvents.Stopped, blocking: false);
                Destroy(instance);
                Finished(instance, failed: false);
                return JobState.Waiting;

            default:
                throw new InvalidOperationException("unknown state " + instance.State);
        }
    }

    /// <summary>Security, pre-start and post-stop: a process that cannot be spawned fails the job.</summary>
    private JobState RunOrFail(JobInstance instance, ProcessKind kind, bool run)
    {
        if (!run || !instance.Config.Processes.ContainsKey(kind))
        {
            return NextState(instance);
        }

        return Run(instance, kind) ? instance.State : FailSpawn(instance, kind);
    }

    /// <summary>UPSTART.md §c.2: a process that could not be spawned fails the job with no exit status.</summary>
    private JobState FailSpawn(JobInstance instance, ProcessKind kind)
    {
        Fail(instance, kind, null);
        SetGoal(instance, JobGoal.Stop);
        return NextState(instance);
    }

    /// <summary>
    /// The process layer reported (outside a state entry) that <paramref name="kind"/> could not be
    /// spawned; post-start and pre-stop only log, the others fail the job.
    /// </summary>
    internal void OnSpawnFailed(JobInstance instance, ProcessKind kind)
    {
        _processTable.Forget(instance, kind);
        if (kind is ProcessKind.PostStart or ProcessKind.PreStop)
        {
            ChangeState(instance, NextState(instance));
            return;
        }

        ChangeState(instance, FailSpawn(instance, kind));
    }

    /// <summary>job_failed: only the first failure counts; it fails every event and request the job holds.</summary>
    private static void Fail(JobInstance instance, ProcessKind? kind, int? status)
    {
        if (instance.Failure is not null)
        {
            return;
        }

        instance.Failure = new JobFailure(kind, status);
        instance.Class.LastFailure = instance.Failure;
        Finished(instance, failed: true);
    }

    /// <summary>job_finished: releases what the instance blocks, marking events failed when it failed.</summary>
    private static void Finished(JobInstance instance, bool failed)
    {
        if (instance.Blocking.Count > 0)
        {
            Release(instance, TakeBlocking(instance), failed);
        }
    }

    /// <summary>
    /// What the instance blocks, taken off it to be released later (<see cref="Release"/>): a start or stop
    /// request supersedes the ones before it, and they are answered once the new goal is in force, with the
    /// state it led to, as initctl's status after its reply would show.
    /// </summary>
    private static Blocked[] TakeBlocking(JobInstance instance)
    {
        if (instance.Blocking.Count == 0)
        {
            return [];
        }

        var blocking = instance.Blocking.ToArray();
        instance.Blocking.Clear();
        return blocking;
    }

    private static void Release(JobInstance instance, Blocked[] blocking, bool failed)
    {
        foreach (var b in blocking)
        {
            if (b.Event is { } e)
            {
                if (failed)
                {
                    e.Failed = true;
                }

                e.Unblock();
            }
            else if (b.Request is { } request)
            {
                if (failed)
                {
                    request.TrySetException(b.Kind switch
                    {
                        RequestKind.Stop => new EngineException(EngineError.JobFailedWhileStopping, "Job failed while stopping"),
                        RequestKind.Restart => new EngineException(EngineError.JobFailedToStart, "Job failed to restart"),
                        _ => new EngineException(EngineError.JobFailedToStart, "Job failed to start"),
                    });
                }
                else
                {
                    request.TrySetResult(JobSnapshots.Of(instance));
                }
            }
        }
    }

    /// <summary>job_emit_event: starting and stopping block the job until they finish.</summary>
    private EngineEvent EmitJobEvent(JobInstance instance, string name, bool blocking)
    {
        var env = JobEvents.Environment(name, instance.Config, instance.Name, instance.EnvironmentTable, instance.Failure);
        var e = Emit(name, env);
        if (blocking)
        {
            e.BlockedJob = instance;
        }

        return e;
    }

    /// <summary>
    /// An `expect` job waits in spawned until its main process stops itself or forks as told, with no bound in
    /// Upstart: a daemon that no longer does (Debian's sshd without SIGSTOP, a service now run in the foreground)
    /// holds the job, and every `start` waiting for it, for ever. Said once in the log, so it is noticed.
    /// </summary>
    private void WarnIfNeverReady(JobInstance instance)
    {
        if (instance.Config.Expect == ExpectMode.None)
        {
            return;
        }

        IDisposable? timer = null;
        timer = _clock.StartTimer(_options.NotReadyWarningAfter, () => _post(() =>
        {
            if (ReferenceEquals(instance.NotReadyTimer, timer) && instance.State == JobState.Spawned && instance.Goal == JobGoal.Start)
            {
                EngineLog.NotReady(_logger, instance.DisplayName, (long)_options.NotReadyWarningAfter.TotalSeconds, ExpectWaitsFor(instance.Config.Expect));
            }
        }));
        instance.NotReadyTimer = timer;
    }

    private static string ExpectWaitsFor(ExpectMode expect) => expect switch
    {
        ExpectMode.Stop => "`expect stop` waits for its main process to stop itself with SIGSTOP",
        ExpectMode.Fork => "`expect fork` waits for its main process to fork and exit",
        _ => "`expect daemon` waits for its main process to fork twice, each parent exiting",
    };

    /// <summary>The instance leaves its class; a changed or deleted definition takes effect with the last one.</summary>
    private void Destroy(JobInstance instance)
    {
        instance.Destroyed = true;
        instance.Class.LastEnded = instance.Since;

        // event_operator_destroy: a partly matched `stop on` lets go of its events with the instance.
        if (instance.StopCondition is { } stopOn)
        {
            EventHolds.Reset(stopOn);
        }

        instance.KillTimer?.Dispose();
        instance.KillTimer = null;
        instance.NotReadyTimer?.Dispose();
        instance.NotReadyTimer = null;
        AbandonCheck(instance);
        _processTable.ForgetAll(instance);
        _processes.InstanceFinished(instance.Class.Name, instance.Name, killLeftovers: instance.MainWasKilled);

        var jobClass = instance.Class;
        if (jobClass.Instances.TryGetValue(instance.Name, out var current) && current == instance)
        {
            jobClass.Instances.Remove(instance.Name);
        }

        if (jobClass.Instances.Count == 0)
        {
            _registry.Reconsider(jobClass);
        }
    }
}
