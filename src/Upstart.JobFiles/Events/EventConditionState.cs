using Upstart.JobFiles.Events.Matching;

namespace Upstart.JobFiles.Events;

/// <summary>
/// The mutable evaluation state of one <see cref="EventExpression"/> (Upstart's event_operator_handle /
/// event_operator_reset / event_operator_environment). One per job class for `start on`, one per
/// instance for `stop on`. Pure: no I/O, no clock. Not thread-safe: the engine's loop owns it.
/// </summary>
public sealed class EventConditionState
{
    private readonly CompiledCondition _compiled;
    private readonly bool[] _values;
    private readonly IEventData?[] _held;
    private int _heldCount;

    public EventConditionState(EventExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        Expression = expression;
        _compiled = CompiledCondition.For(expression);
        _values = new bool[_compiled.Nodes.Length];
        _held = new IEventData?[_compiled.Operands.Length];
    }

    public EventExpression Expression { get; }

    /// <summary>The distinct event names the expression mentions, in tree order (for subscription indexes).</summary>
    public IReadOnlyList<string> EventNames => _compiled.EventNames;

    /// <summary>The whole expression's truth value after the events handled so far.</summary>
    public bool Value => _values[0];

    /// <summary>
    /// Offers one event. Returns true when it satisfied at least one operand not yet satisfied (the
    /// caller then holds a reference on it: the event is blocked). <paramref name="environment"/> is
    /// used for $VAR expansion in values: null for `start on` (1.13.2 expands against nothing), the
    /// instance environment for `stop on`.
    /// </summary>
    public bool Handle(IEventData emitted, IReadOnlyDictionary<string, string>? environment)
    {
        ArgumentNullException.ThrowIfNull(emitted);

        // UPSTART.md §b.2: a satisfied operand keeps its first event and ignores later ones; one
        // event may satisfy several operands at once.
        var used = false;
        var operands = _compiled.Operands;
        for (var i = 0; i < operands.Length; i++)
        {
            if (_held[i] is null && operands[i].Matches(emitted, environment))
            {
                _held[i] = emitted;
                _heldCount++;
                used = true;
            }
        }

        if (used)
        {
            Evaluate();
        }

        return used;
    }

    /// <summary>
    /// The satisfied operands (index in tree order, left to right) with the event each holds: what a later program
    /// needs to put the expression back as it stood (<see cref="RestoreHold"/>).
    /// </summary>
    public IReadOnlyList<(int Operand, IEventData Event)> HeldOperands()
    {
        if (_heldCount == 0)
        {
            return [];
        }

        var result = new List<(int, IEventData)>(_heldCount);
        for (var i = 0; i < _held.Length; i++)
        {
            if (_held[i] is { } held)
            {
                result.Add((i, held));
            }
        }

        return result;
    }

    /// <summary>
    /// Puts back one operand an earlier program had satisfied with <paramref name="emitted"/>. Refused (false, nothing
    /// changed) when there is no such operand, it holds an event already, or the event does not satisfy it: then the
    /// record was not made for this expression.
    /// </summary>
    public bool RestoreHold(int operand, IEventData emitted, IReadOnlyDictionary<string, string>? environment)
    {
        ArgumentNullException.ThrowIfNull(emitted);
        var operands = _compiled.Operands;
        if ((uint)operand >= (uint)operands.Length || _held[operand] is not null || !operands[operand].Matches(emitted, environment))
        {
            return false;
        }

        _held[operand] = emitted;
        _heldCount++;
        Evaluate();
        return true;
    }

    /// <summary>Events held by satisfied operands, in tree order (each once).</summary>
    public IReadOnlyList<IEventData> HeldEvents()
    {
        if (_heldCount == 0)
        {
            return [];
        }

        var result = new List<IEventData>(_heldCount);
        foreach (var held in _held)
        {
            if (held is not null && !ContainsReference(result, held))
            {
                result.Add(held);
            }
        }

        return result;
    }

    /// <summary>
    /// Events that contribute to a true value (operand true and every enclosing sub-expression true),
    /// in tree order, left to right. An event that satisfied two contributing operands is listed once
    /// per operand, as in UPSTART_EVENTS (`start on a and a X=1` gives `a a`).
    /// </summary>
    public IReadOnlyList<IEventData> ContributingEvents()
    {
        if (!_values[0])
        {
            return [];
        }

        var result = new List<IEventData>(_heldCount);
        var nodes = _compiled.Nodes;
        var i = 0;
        while (i < nodes.Length)
        {
            var node = nodes[i];
            if (!_values[i])
            {
                // event_operator_filter: a false node hides its whole subtree.
                i = node.SubtreeEnd;
                continue;
            }

            if (node.Kind == ConditionNodeKind.Match)
            {
                result.Add(_held[node.Operand]!);
            }

            i++;
        }

        return result;
    }

    /// <summary>
    /// Appends the contributing events' variables to <paramref name="environment"/> (a later value of a
    /// KEY replaces the earlier one in place) and then `listVariable=names` (UPSTART_EVENTS or
    /// UPSTART_STOP_EVENTS).
    /// </summary>
    public void AppendEnvironment(EnvironmentBuilder environment, string listVariable)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(listVariable);

        // event_operator_environment: the list variable is set even when nothing contributes.
        var contributing = ContributingEvents();
        foreach (var emitted in contributing)
        {
            environment.AppendEntries(emitted.Environment);
        }

        environment.Set(listVariable, JoinNames(contributing));
    }

    /// <summary>Makes every operand false and releases held events.</summary>
    public void Reset()
    {
        Array.Clear(_held);
        Array.Clear(_values);
        _heldCount = 0;
    }

    /// <summary>Re-evaluates every operator bottom-up: `and` / `or` are plain booleans over sticky children.</summary>
    private void Evaluate()
    {
        var nodes = _compiled.Nodes;
        for (var i = nodes.Length - 1; i >= 0; i--)
        {
            var node = nodes[i];
            _values[i] = node.Kind switch
            {
                ConditionNodeKind.Match => _held[node.Operand] is not null,
                ConditionNodeKind.And => _values[node.Left] && _values[node.Right],
                _ => _values[node.Left] || _values[node.Right],
            };
        }
    }

    private static string JoinNames(IReadOnlyList<IEventData> events)
    {
        return events.Count switch
        {
            0 => "",
            1 => events[0].Name,
            _ => JoinMany(events),
        };

        static string JoinMany(IReadOnlyList<IEventData> events)
        {
            var names = new string[events.Count];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = events[i].Name;
            }

            return string.Join(' ', names);
        }
    }

    private static bool ContainsReference(List<IEventData> list, IEventData item)
    {
        foreach (var existing in list)
        {
            if (ReferenceEquals(existing, item))
            {
                return true;
            }
        }

        return false;
    }
}
