namespace Upstart.JobFiles.Events;

/// <summary>
/// The mutable evaluation state of one <see cref="EventExpression"/> (Upstart's event_operator_handle /
/// event_operator_reset / event_operator_environment). One per job class for `start on`, one per
/// instance for `stop on`. Pure: no I/O, no clock.
/// CONTRACT (implemented by the event-matching work): keep these signatures.
/// </summary>
public sealed class EventConditionState
{
    public EventConditionState(EventExpression expression)
    {
        Expression = expression;
    }

    public EventExpression Expression { get; }

    /// <summary>The whole expression's truth value after the events handled so far.</summary>
    public bool Value => throw new NotImplementedException("event matching: see issue 2");

    /// <summary>
    /// Offers one event. Returns true when it satisfied at least one operand not yet satisfied (the
    /// caller then holds a reference on it: the event is blocked). <paramref name="environment"/> is
    /// used for $VAR expansion in values: null for `start on` (1.13.2 expands against nothing), the
    /// instance environment for `stop on`.
    /// </summary>
    public bool Handle(IEventData emitted, IReadOnlyDictionary<string, string>? environment) => throw new NotImplementedException("event matching: see issue 2");

    /// <summary>Events held by satisfied operands, in tree order (each once).</summary>
    public IReadOnlyList<IEventData> HeldEvents() => throw new NotImplementedException("event matching: see issue 2");

    /// <summary>
    /// Events that contribute to a true value (operand true and every enclosing sub-expression true),
    /// in tree order, left to right.
    /// </summary>
    public IReadOnlyList<IEventData> ContributingEvents() => throw new NotImplementedException("event matching: see issue 2");

    /// <summary>
    /// Appends the contributing events' variables to <paramref name="environment"/> (a later value of a
    /// KEY replaces the earlier one in place) and then `listVariable=names` (UPSTART_EVENTS or
    /// UPSTART_STOP_EVENTS).
    /// </summary>
    public void AppendEnvironment(EnvironmentBuilder environment, string listVariable) => throw new NotImplementedException("event matching: see issue 2");

    /// <summary>Makes every operand false and releases held events.</summary>
    public void Reset() => throw new NotImplementedException("event matching: see issue 2");
}
