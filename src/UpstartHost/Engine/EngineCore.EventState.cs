using Upstart.JobFiles.Events;

namespace UpstartHost.Engine;

/// <summary>
/// Events across a re-exec or a crash (docs/daemon.md, "Events across a re-exec"): the events not yet finished, and
/// who holds each, go to the next program in the runtime state file, which puts them back as they stood; an emitter
/// cut by a re-exec hears from it how its event ended (await). Upstart 1.13 carries its events over a stateful re-exec
/// the same way.
/// </summary>
internal sealed partial class EngineCore
{
    private readonly HandedOverAnswers<EngineEvent> _handedOverEvents = new();

    /// <summary>What a re-exec hands over besides the instances (engine thread).</summary>
    public WorkUnderWay SnapshotWorkUnderWay() => new(SnapshotEvents(), SnapshotRequestWaits());

    /// <summary>
    /// Every event not yet finished with what holds it (engine thread: for a re-exec, and with each burst's runtime
    /// state, so a crash keeps them too). Holders are looked for among the classes that name the event, as the event's
    /// handling found them, and only for an event whose holds moved since its last record (the record is kept on the
    /// event): the cost follows the jobs the moving events concern, not all jobs, and an event at rest costs nothing.
    /// </summary>
    public IReadOnlyList<EventRecord> SnapshotEvents()
    {
        var live = _queue.Live;
        if (live.Count == 0)
        {
            return [];
        }

        var records = new List<EventRecord>(live.Count);
        foreach (var e in live)
        {
            if (e.LastRecord is { } last && last.Version == e.Version && last.Record.Handled == (e.Progress != EventProgress.Pending))
            {
                records.Add(last.Record);
                continue;
            }

            var holds = new List<EventHoldRecord>();
            if (e.BlockedJob is { Destroyed: false } blocked && blocked.Blocker == e)
            {
                holds.Add(new EventHoldRecord(EventHoldKind.Blocks, blocked.Config.Name, blocked.Name));
            }

            foreach (var jobClass in _registry.SubscribersOf(e.Name))
            {
                AddOperandHolds(holds, e, jobClass.StartCondition, EventHoldKind.StartOn, jobClass.Name, null);
                foreach (var instance in jobClass.Instances.Values)
                {
                    if (instance.Destroyed)
                    {
                        continue;
                    }

                    AddOperandHolds(holds, e, instance.StopCondition, EventHoldKind.StopOn, jobClass.Name, instance.Name);
                    foreach (var b in instance.Blocking)
                    {
                        if (b.Event == e)
                        {
                            holds.Add(new EventHoldRecord(EventHoldKind.Job, jobClass.Name, instance.Name));
                        }
                    }
                }
            }

            var record = new EventRecord(e.Id, e.Name, e.Environment, e.Progress != EventProgress.Pending, e.Failed, e.WaiterCount, holds);
            e.LastRecord = (record, e.Version);
            records.Add(record);
        }

        return records;
    }

    private static void AddOperandHolds(
        List<EventHoldRecord> holds, EngineEvent e, EventConditionState? condition, EventHoldKind kind, string job, string? instance)
    {
        if (condition is null)
        {
            return;
        }

        foreach (var (operand, held) in condition.HeldOperands())
        {
            if (held == e)
            {
                holds.Add(new EventHoldRecord(kind, job, instance, condition.Expression.ToString(), operand));
            }
        }
    }

    /// <summary>
    /// Puts back the events an earlier program had not finished, once its instances are back and before any moves on:
    /// each takes again the references that were held on it (a `start on` or `stop on` operand, an instance it
    /// started or stopped), and an instance in `starting` or `stopping` waits for its event again. A hold that no
    /// longer fits (the job is gone, its file changed the expression, the instance did not come back) is let go, as
    /// if its holder had finished: the event then finishes as soon as nothing else holds it.
    /// </summary>
    private void RestoreEvents(IReadOnlyList<EventRecord> records)
    {
        foreach (var record in records)
        {
            var e = new EngineEvent(record.Name, [.. record.Environment])
            {
                Id = record.Id,
                Progress = record.Handled ? EventProgress.Handling : EventProgress.Pending,
                Failed = record.Failed,
            };

            var conditions = new HashSet<EventConditionState>(ReferenceEqualityComparer.Instance);
            foreach (var hold in record.Holds)
            {
                RestoreHold(e, hold, conditions);
            }

            _queue.Resume(e);
            if (record.Waiters > 0)
            {
                _handedOverEvents.Add(e, record.Waiters, _clock.Monotonic);
            }
        }
    }

    private void RestoreHold(EngineEvent e, EventHoldRecord hold, HashSet<EventConditionState> conditions)
    {
        if (!_registry.TryGet(hold.Job, out var jobClass))
        {
            return;
        }

        JobInstance? instance = null;
        if (hold.Instance is { } name && (!jobClass.Instances.TryGetValue(name, out instance) || instance.Destroyed))
        {
            return;
        }

        switch (hold.Kind)
        {
            case EventHoldKind.StartOn when instance is null:
                RestoreOperand(e, jobClass.StartCondition, hold, null, conditions);
                break;
            case EventHoldKind.StopOn when instance is not null:
                RestoreOperand(e, instance.StopCondition, hold, instance.EnvironmentTable, conditions);
                break;
            case EventHoldKind.Job when instance is not null:
                e.Block();
                instance.Blocking.Add(Blocked.ForEvent(e));
                break;
            case EventHoldKind.Blocks when instance is { State: JobState.Starting or JobState.Stopping, Blocker: null }
                                           && e.Name == (instance.State == JobState.Starting ? JobEvents.Starting : JobEvents.Stopping):
                e.BlockedJob = instance;
                instance.Blocker = e;
                break;
        }
    }

    /// <summary>One reference per condition that holds the event, however many of its operands the event satisfied (EventHolds.Offer).</summary>
    private static void RestoreOperand(
        EngineEvent e, EventConditionState? condition, EventHoldRecord hold, IReadOnlyDictionary<string, string>? environment, HashSet<EventConditionState> conditions)
    {
        if (condition is null || condition.Expression.ToString() != hold.Condition
            || !condition.RestoreHold(hold.Operand, e, environment))
        {
            return;
        }

        if (conditions.Add(condition))
        {
            e.Block();
        }
    }

    /// <summary>
    /// await for an emit the previous program cut at its re-exec: waits for the handed-over event with this name and
    /// environment to finish, or answers at once how it ended. One the next program was not handed (it finished
    /// before the exec, or was not waited for) has finished: answered as done.
    /// </summary>
    public Task AwaitEvent(string name, IReadOnlyList<string> environment)
    {
        var e = _handedOverEvents.Take(
            _clock.Monotonic, e => e.Name == name && e.Environment.SequenceEqual(environment, StringComparer.Ordinal));
        if (e is null)
        {
            return Task.CompletedTask;
        }

        if (e.Progress != EventProgress.Finished)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            e.AddWaiter(waiter);
            return waiter.Task;
        }

        return e.Failed ? Task.FromException(new EngineException(EngineError.EventFailed, "Event failed")) : Task.CompletedTask;
    }
}
