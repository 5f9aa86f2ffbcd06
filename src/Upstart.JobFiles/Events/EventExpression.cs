using System.Collections.Immutable;

namespace Upstart.JobFiles.Events;

/// <summary>
/// A parsed `start on` / `stop on` condition: an immutable operator tree (Upstart's
/// EventOperator). `and` and `or` have equal precedence and group from the left (UPSTART.md §b.1).
/// Evaluation state lives elsewhere (<see cref="EventConditionState"/>), so one tree can be shared.
/// </summary>
public abstract record EventExpression
{
    /// <summary>The S-expression form used by the conformance corpus: (event a X=1), (and …), (or …).</summary>
    public abstract override string ToString();

    /// <summary>Every event name the tree mentions, for indexing subscriptions by name.</summary>
    public abstract IEnumerable<string> EventNames();
}

/// <summary>A leaf: an event name and its raw arguments (VALUE, KEY=VALUE or KEY!=VALUE, globs and $VAR kept).</summary>
public sealed record EventMatch(string Name, ImmutableArray<string> Arguments) : EventExpression
{
    public override string ToString() => SExpression.Format(this);

    public override IEnumerable<string> EventNames()
    {
        yield return Name;
    }
}

public sealed record EventAnd(EventExpression Left, EventExpression Right) : EventExpression
{
    public override string ToString() => SExpression.Format(this);

    public override IEnumerable<string> EventNames() => Left.EventNames().Concat(Right.EventNames());
}

public sealed record EventOr(EventExpression Left, EventExpression Right) : EventExpression
{
    public override string ToString() => SExpression.Format(this);

    public override IEnumerable<string> EventNames() => Left.EventNames().Concat(Right.EventNames());
}
