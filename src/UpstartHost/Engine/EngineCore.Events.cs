using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;

namespace UpstartHost.Engine;

/// <summary>The event queue and event handling (Upstart's event.c, UPSTART.md §b.4, §b.5).</summary>
internal sealed partial class EngineCore
{
    private readonly List<EngineEvent> _events = [];

    /// <summary>Events not yet finished (pending or being handled).</summary>
    public int LiveEventCount => _events.Count;

    /// <summary>Queues an event; it is handled by the next <see cref="Poll"/>.</summary>
    public EngineEvent Emit(string name, IReadOnlyList<string> environment)
    {
        var e = new EngineEvent(name, environment);
        _events.Add(e);
        EventQueued?.Invoke(e);
        return e;
    }

    /// <summary>
    /// Upstart's event_poll: handles pending events and finishes those nothing blocks any more, in queue
    /// order, until a pass changes nothing. Events emitted meanwhile are handled in the same call.
    /// </summary>
    public void Poll()
    {
        bool again;
        do
        {
            again = false;
            for (var i = 0; i < _events.Count; i++)
            {
                var e = _events[i];
                switch (e.Progress)
                {
                    case EventProgress.Pending:
                        HandleEvent(e);
                        again = true;
                        break;
                    case EventProgress.Handling when e.Blockers == 0:
                        FinishEvent(e);
                        again = true;
                        break;
                }
            }

            if (again)
            {
                _events.RemoveAll(e => e.Progress == EventProgress.Finished);
            }
        }
        while (again);

        CompleteStopAllIfDone();
    }

    /// <summary>
    /// event_pending_handle_jobs: for every class naming the event, first each instance's `stop on` (so an
    /// event in both stop on and start on restarts the job), then the class's `start on`.
    /// </summary>
    private void HandleEvent(EngineEvent e)
    {
        e.Progress = EventProgress.Handling;
        EngineLog.HandlingEvent(_logger, e.Name);
        Notify(new EngineNotification(_clock.UtcNow, "event", e.Name, e.Environment, null, null, null, null));

        var classes = _subscriptions.SubscribersOf(e.Name);
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
        if (instance.Destroyed || instance.StopCondition is not { } condition)
        {
            return;
        }

        if (!Offer(condition, e, instance.EnvironmentTable) || !condition.Value)
        {
            return;
        }

        var stopEnv = new EnvironmentBuilder();
        condition.AppendEnvironment(stopEnv, "UPSTART_STOP_EVENTS");
        instance.StopEnvironment = stopEnv.ToList();
        Finished(instance, failed: false);
        HoldEvents(instance, condition);
        ResetCondition(condition);
        ChangeGoal(instance, JobGoal.Stop);
    }

    private void HandleStartOn(JobClass jobClass, EngineEvent e)
    {
        if (jobClass.StartCondition is not { } condition)
        {
            return;
        }

        if (!Offer(condition, e, null) || !condition.Value)
        {
            return;
        }

        var env = JobEnvironment.ForClass(_options, jobClass.Config);
        condition.AppendEnvironment(env, "UPSTART_EVENTS");
        if (!VariableExpansion.TryExpand(jobClass.Config.Instance, env.ToDictionary(), out var name, out var error))
        {
            EngineLog.InstanceExpansionFailed(_logger, jobClass.Name, error);
            ResetCondition(condition);
            return;
        }

        if (_stoppingAll)
        {
            // Shutting down: the event is absorbed, nothing new starts.
            ResetCondition(condition);
            return;
        }

        var instance = GetOrCreateInstance(jobClass, name);
        if (instance.Goal != JobGoal.Start)
        {
            instance.StartEnvironment = env.ToList();
            Finished(instance, failed: false);
            HoldEvents(instance, condition);
            ChangeGoal(instance, JobGoal.Start);
        }

        ResetCondition(condition);
    }

    /// <summary>An operand that takes the event holds a reference on it until the expression resets.</summary>
    private static bool Offer(EventConditionState condition, EngineEvent e, IReadOnlyDictionary<string, string>? environment)
    {
        if (!condition.Handle(e, environment))
        {
            return false;
        }

        e.Block();
        return true;
    }

    /// <summary>event_operator_events: the instance takes its own reference on every held event.</summary>
    private static void HoldEvents(JobInstance instance, EventConditionState condition)
    {
        foreach (var held in condition.HeldEvents())
        {
            if (held is EngineEvent e)
            {
                e.Block();
                instance.Blocking.Add(Blocked.ForEvent(e));
            }
        }
    }

    /// <summary>event_operator_reset: the operands let go of their events.</summary>
    private static void ResetCondition(EventConditionState condition)
    {
        foreach (var held in condition.HeldEvents())
        {
            (held as EngineEvent)?.Unblock();
        }

        condition.Reset();
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
