using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Upstart.JobFiles.Events.Matching;

/// <summary>
/// An <see cref="EventExpression"/> flattened once into arrays in pre-order (a node, then its left
/// subtree, then its right subtree), so evaluation is a loop rather than a recursion and deep
/// left-leaning trees (`a and b and c …`) cannot overflow the stack. Immutable and shared: every
/// <see cref="EventConditionState"/> over the same tree object reuses one instance.
/// </summary>
public sealed class CompiledCondition
{
    private static readonly ConditionalWeakTable<EventExpression, CompiledCondition> Cache = new();

    private CompiledCondition(
        ImmutableArray<ConditionNode> nodes,
        ImmutableArray<CompiledOperand> operands,
        ImmutableArray<string> eventNames)
    {
        Nodes = nodes;
        Operands = operands;
        EventNames = eventNames;
    }

    /// <summary>The nodes in pre-order; index 0 is the root.</summary>
    public ImmutableArray<ConditionNode> Nodes { get; }

    /// <summary>The leaves in tree order, left to right.</summary>
    public ImmutableArray<CompiledOperand> Operands { get; }

    /// <summary>The distinct event names the tree mentions, in tree order.</summary>
    public ImmutableArray<string> EventNames { get; }

    /// <summary>The compiled form of <paramref name="expression"/>, built on first use and cached per tree object.</summary>
    public static CompiledCondition For(EventExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return Cache.GetValue(expression, Compile);
    }

    private static CompiledCondition Compile(EventExpression root)
    {
        var nodes = new List<ConditionNode>();
        var operands = ImmutableArray.CreateBuilder<CompiledOperand>();
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // Explicit stack of (expression, parent index, is-right-child): pre-order, left first.
        var pending = new Stack<(EventExpression Expression, int Parent, bool IsRight)>();
        pending.Push((root, -1, false));
        while (pending.Count > 0)
        {
            var (expression, parent, isRight) = pending.Pop();
            var index = nodes.Count;
            if (parent >= 0)
            {
                nodes[parent] = isRight ? nodes[parent] with { Right = index } : nodes[parent] with { Left = index };
            }

            switch (expression)
            {
                case EventMatch match:
                    nodes.Add(new ConditionNode(ConditionNodeKind.Match, -1, -1, operands.Count, index + 1));
                    operands.Add(new CompiledOperand(match));
                    if (seen.Add(match.Name))
                    {
                        names.Add(match.Name);
                    }

                    break;
                case EventAnd and:
                    nodes.Add(new ConditionNode(ConditionNodeKind.And, -1, -1, -1, -1));
                    pending.Push((and.Right, index, true));
                    pending.Push((and.Left, index, false));
                    break;
                case EventOr or:
                    nodes.Add(new ConditionNode(ConditionNodeKind.Or, -1, -1, -1, -1));
                    pending.Push((or.Right, index, true));
                    pending.Push((or.Left, index, false));
                    break;
                default:
                    throw new ArgumentException("Unknown event expression node: " + expression.GetType().Name, nameof(root));
            }
        }

        // A subtree ends where the next node outside it begins: for an operator, where its right
        // child's subtree ends. Children come after their parent, so walk backwards.
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            if (nodes[i].Kind != ConditionNodeKind.Match)
            {
                nodes[i] = nodes[i] with { SubtreeEnd = nodes[nodes[i].Right].SubtreeEnd };
            }
        }

        return new CompiledCondition([.. nodes], operands.ToImmutable(), [.. names]);
    }
}

public enum ConditionNodeKind
{
    Match,
    And,
    Or,
}

/// <summary>
/// One node of a <see cref="CompiledCondition"/>: children by index, the operand index for a leaf,
/// and the index just past its subtree (to skip a false branch in one step).
/// </summary>
public readonly record struct ConditionNode(ConditionNodeKind Kind, int Left, int Right, int Operand, int SubtreeEnd);
