using Upstart.JobFiles.Events;

namespace UpstartHost.Engine;

/// <summary>
/// The references `start on` and `stop on` operands hold on events (Upstart's event_operator_handle,
/// event_operator_events and event_operator_reset): an event is not finished while anything holds it.
/// </summary>
internal static class EventHolds
{
    /// <summary>An operand that takes the event holds a reference on it until the expression resets.</summary>
    public static bool Offer(EventConditionState condition, EngineEvent e, IReadOnlyDictionary<string, string>? environment)
    {
        if (!condition.Handle(e, environment))
        {
            return false;
        }

        e.Block();
        return true;
    }

    /// <summary>event_operator_events: the instance takes its own reference on every held event.</summary>
    public static void TransferTo(JobInstance instance, EventConditionState condition)
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
    public static void Reset(EventConditionState condition)
    {
        foreach (var held in condition.HeldEvents())
        {
            (held as EngineEvent)?.Unblock();
        }

        condition.Reset();
    }
}
