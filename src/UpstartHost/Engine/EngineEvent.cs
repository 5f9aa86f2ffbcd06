using Upstart.JobFiles.Events;

namespace UpstartHost.Engine;

/// <summary>Upstart's EventProgress.</summary>
public enum EventProgress
{
    Pending,
    Handling,
    Finished,
}

/// <summary>
/// One emitted event (Upstart's Event, UPSTART.md §b.5). It finishes when nothing blocks it any more:
/// every job that took a reference (a satisfied operand, or a job it started or stopped) has let go.
/// </summary>
public sealed class EngineEvent : IEventData
{
    private List<TaskCompletionSource>? _waiters;

    public EngineEvent(string name, IReadOnlyList<string> environment)
    {
        Name = name;
        Environment = environment;
    }

    /// <summary>Its number in emission order, from 1 (<see cref="EventQueue"/>); 0 for one made outside a queue.</summary>
    public long Id { get; internal init; }

    public string Name { get; }

    public IReadOnlyList<string> Environment { get; }

    public EventProgress Progress { get; internal set; } = EventProgress.Pending;

    /// <summary>References held by operands and jobs; the event finishes when this reaches 0.</summary>
    public int Blockers { get; private set; }

    /// <summary>A job this event started or stopped failed: `emit` reports it and NAME/failed follows.</summary>
    public bool Failed { get; internal set; }

    /// <summary>The instance that emitted this starting/stopping event and waits for it to finish.</summary>
    internal JobInstance? BlockedJob { get; set; }

    /// <summary>Moves whenever what <see cref="EngineCore.SnapshotEvents"/> would record of it may have changed.</summary>
    internal long Version { get; private set; }

    /// <summary>The queue's count of hold changes, moved with every reference taken or let go (the runtime state's version).</summary>
    internal HoldChanges? Changes { get; set; }

    /// <summary>The record last made of it, and the <see cref="Version"/> it was made at.</summary>
    internal (EventRecord Record, long Version)? LastRecord { get; set; }

    internal void Block()
    {
        Blockers++;
        Moved();
    }

    internal void Unblock()
    {
        if (Blockers > 0)
        {
            Blockers--;
            Moved();
        }
    }

    /// <summary>An emitter that waits for the event to finish (`initctl emit` without --no-wait).</summary>
    internal void AddWaiter(TaskCompletionSource waiter)
    {
        (_waiters ??= []).Add(waiter);
        Version++;
    }

    private void Moved()
    {
        Version++;
        if (Changes is { } changes)
        {
            changes.Count++;
        }
    }

    /// <summary>Emitters still waiting for it to finish (a re-exec hands their count to the next program).</summary>
    internal int WaiterCount => _waiters?.Count ?? 0;

    internal void ReleaseWaiters()
    {
        if (_waiters is null)
        {
            return;
        }

        foreach (var w in _waiters)
        {
            if (Failed)
            {
                w.TrySetException(new EngineException(EngineError.EventFailed, "Event failed"));
            }
            else
            {
                w.TrySetResult();
            }
        }

        _waiters = null;
    }

    public override string ToString() => Environment.Count == 0 ? Name : Name + " " + string.Join(' ', Environment);
}

/// <summary>
/// How many times any event's holds changed: part of the engine's state version, so a `start on` that took an event,
/// or an event let go, gets the runtime state written (a crash then keeps it), while an event nothing holds costs no write.
/// </summary>
internal sealed class HoldChanges
{
    public long Count { get; set; }
}
