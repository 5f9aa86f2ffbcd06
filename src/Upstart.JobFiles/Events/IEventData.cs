namespace Upstart.JobFiles.Events;

/// <summary>
/// What the matcher needs of an emitted event: its name and its environment as ordered KEY=VALUE
/// strings (order matters: positional operands compare by position). The engine's event object
/// implements this and is what <see cref="EventConditionState"/> holds while an operand is satisfied.
/// </summary>
public interface IEventData
{
    string Name { get; }

    IReadOnlyList<string> Environment { get; }
}
