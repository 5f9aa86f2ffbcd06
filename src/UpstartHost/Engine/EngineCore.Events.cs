using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;
using Upstart.JobFiles.Loading;
using UpstartHost.Logging;

namespace UpstartHost.Engine;

/// <summary>The event queue and event handling (Upstart's event.c, UPSTART.md §b.4, §b.5).</summary>
internal sealed partial class EngineCore
{
    /// <summary>Queues an event; it is handled by the next <see cref="Poll"/>.</summary>
    public EngineEvent Emit(string name, IReadOnlyList<string> environment) => _queue.Emit(name, environment);

    /// <summary>Upstart's event_poll (<see cref="EventQueue.Poll"/>), then answers a StopAll that has nothing left to stop.</summary>
    public void Poll()
    {
        _queue.Poll(_handleEvent, _finishEvent);
        CompleteShutdownIfDone();
    }

    /// <summary>
    /// event_pending_handle_jobs: for every class naming the event, first each instance's `stop on` (so an
    /// event in both stop on and start on restarts the job), then the class's `start on`.
    /// </summary>
    private void HandleEvent(EngineEvent e)
    {
        e.Progress = EventProgress.Handling;
        EngineLog.HandlingEvent(_logger, e.Name);
        Notify(new EngineNotification(_clock.UtcNow, NotificationKind.Event, e.Name, e.Environment, null, null, null, null));

        var classes = _registry.SubscribersOf(e.Name);
        if (classes.Count == 0)
        {
            return;
        }

        // Handling may destroy instances or swap class definitions, which edits the index.
        foreach (var jobClass in classes.ToArray())
        {
            if (jobClass.Instances.Count > 0)
            {
                foreach (var instance in jobClass.Instances.Values.ToArray())
                {
                    HandleStopOn(instance, e);
                }
            }

            HandleStartOn(jobClass, e);
        }
    }

    private void HandleStopOn(JobInstance instance, EngineEvent e)
    {
        // Shutting down (StopAll), every instance is stopping already: no event is held for a `stop on` either.
        if (instance.Destroyed || instance.StopCondition is not { } condition || _shutdown.Begun)
        {
            return;
        }

        if (!EventHolds.Offer(condition, e, instance.EnvironmentTable) || !condition.Value)
        {
            return;
        }

        var stopEnv = new EnvironmentBuilder();
        condition.AppendEnvironment(stopEnv, "UPSTART_STOP_EVENTS");
        instance.StopEnvironment = stopEnv.ToList();
        Finished(instance, failed: false);
        EventHolds.TransferTo(instance, condition);
        EventHolds.Reset(condition);
        ChangeGoal(instance, JobGoal.Stop);
    }

    private void HandleStartOn(JobClass jobClass, EngineEvent e)
    {
        // Shutting down (StopAll), nothing new starts: no event is held for a `start on` either.
        if (jobClass.StartCondition is not { } condition || _registry.IsDisabled(jobClass.Name) || _shutdown.Begun)
        {
            return;
        }

        if (!EventHolds.Offer(condition, e, null) || !condition.Value)
        {
            return;
        }

        var env = JobEnvironment.ForClass(_options, GlobalEnvironment, jobClass.Config);
        condition.AppendEnvironment(env, "UPSTART_EVENTS");
        if (!VariableExpansion.TryExpand(jobClass.Config.Instance, env.ToDictionary(), out var name, out var error)
            || (JobName.InstanceProblem(name) ?? LogFileName.TooLong(jobClass.Name, name)) is { } problem && (error = problem) is not null)
        {
            EngineLog.InstanceExpansionFailed(_logger, jobClass.Name, error);
            EventHolds.Reset(condition);
            return;
        }

        var instance = GetOrCreateInstance(jobClass, name);
        if (instance.Goal != JobGoal.Start)
        {
            instance.StartEnvironment = env.ToList();
            Finished(instance, failed: false);
            EventHolds.TransferTo(instance, condition);
            ChangeGoal(instance, JobGoal.Start);
        }

        EventHolds.Reset(condition);
    }

    /// <summary>
    /// event_finished: the job that emitted it moves on, a failed event is followed by NAME/failed (unless
    /// it already is one), and emitters waiting on it are answered.
    /// </summary>
    private void FinishEvent(EngineEvent e)
    {
        e.Progress = EventProgress.Finished;
        if (e.BlockedJob is { } job && job.Blocker == e)
        {
            job.Blocker = null;
            e.BlockedJob = null;
            if (!job.Destroyed)
            {
                ChangeState(job, NextState(job));
            }
        }

        if (e.Failed && !e.Name.EndsWith(JobEvents.FailedSuffix, StringComparison.Ordinal))
        {
            Emit(e.Name + JobEvents.FailedSuffix, [.. e.Environment]);
        }

        e.ReleaseWaiters();
    }
}
