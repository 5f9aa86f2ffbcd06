using System.Collections.Immutable;
using Upstart.JobFiles.Events;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// `start on` / `stop on` expressions, parsed the way Upstart's parse_on does it (UPSTART.md §b.1): an
/// operator stack where `and`/`or` take everything collected so far as their left operand (equal
/// precedence, left-associative), `(` pushes a group marker, `)` collects back to it. Inside parentheses
/// the expression may run over several lines and carry comments. The error kinds and the cursor
/// positions they are reported at are Upstart's.
/// </summary>
internal static class EventExpressionParser
{
    /// <summary>
    /// Beyond Upstart: a bound on operands, so a hostile file cannot build a tree deep enough to exhaust
    /// the stack of whatever walks it later. Real job files use a handful.
    /// </summary>
    public const int MaxOperands = 1000;

    public const string TooLargeKind = "expression-too-large";
    public const string TooLargeMessage = "Event expression too large";

    /// <summary>parse_on: reads the expression at <paramref name="at"/>; null on error.</summary>
    public static EventExpression? Parse(ConfigTokenizer t, ref Cursor at)
    {
        var stack = new List<Node?>();
        Node? root = null;
        var paren = 0;
        var operands = 0;
        var on = at;

        do
        {
            t.SkipWhitespace(ref on);
            do
            {
                // Upstart reports a failure at the start of the token being handled.
                at = on;
                if (on.Pos < t.Length && t.Text[on.Pos] is '(' or ')')
                {
                    if (!Paren(t, ref on, stack, ref root, ref paren))
                    {
                        at = on;
                        return null;
                    }
                }
                else if (!OperatorOrOperand(t, ref on, stack, ref root, ref operands))
                {
                    at = on;
                    return null;
                }
            }
            while (t.HasToken(on));

            t.SkipComment(ref on);
        }
        while (on.Pos < t.Length && paren != 0);

        if (!Collect(t, stack, ref root))
        {
            return null;
        }

        at = on;
        if (stack.Count > 0)
        {
            // An open parenthesis was never closed: we have probably read the whole file.
            t.Raise(ParseErrors.MismatchedParens);
            return null;
        }

        return root!.Freeze();
    }

    private static bool Paren(ConfigTokenizer t, ref Cursor at, List<Node?> stack, ref Node? root, ref int paren)
    {
        if (t.Text[at.Pos] == '(')
        {
            paren++;

            // A group may only start where an operand may: not after a finished group or an event.
            if (root is not null || (stack.Count > 0 && stack[^1] is MatchNode))
            {
                return t.Raise(ParseErrors.ExpectedOperator);
            }

            stack.Add(null);
        }
        else
        {
            paren--;
            if (!Collect(t, stack, ref root))
            {
                return false;
            }

            if (stack.Count == 0)
            {
                return t.Raise(ParseErrors.MismatchedParens);
            }

            stack.RemoveAt(stack.Count - 1);
        }

        at.Pos++;
        t.SkipWhitespace(ref at);
        return true;
    }

    private static bool OperatorOrOperand(
        ConfigTokenizer t, ref Cursor at, List<Node?> stack, ref Node? root, ref int operands)
    {
        // Operators are matched without dequoting, so a quoted "and" is an ordinary operand.
        var a = at;
        if (!t.NextToken(ref a, Delimiters.BlankOrParen, dequote: false))
        {
            at = a;
            return false;
        }

        var token = t.Token;
        var isAnd = token.SequenceEqual("and");
        if (!isAnd && !token.SequenceEqual("or"))
        {
            return Operand(t, ref at, stack, ref operands);
        }

        if (!Collect(t, stack, ref root))
        {
            return false;
        }

        stack.Add(new OperatorNode(isAnd, root!));
        root = null;
        at = a;
        return true;
    }

    private static bool Operand(ConfigTokenizer t, ref Cursor at, List<Node?> stack, ref int operands)
    {
        if (!t.NextToken(ref at, Delimiters.BlankOrParen, dequote: true))
        {
            return false;
        }

        var argument = t.TokenString();
        if (stack.Count == 0 || stack[^1] is not MatchNode match)
        {
            if (++operands > MaxOperands)
            {
                return t.Raise(TooLargeKind, TooLargeMessage);
            }

            stack.Add(new MatchNode(argument));
            return true;
        }

        // Positional arguments must all come before KEY=VALUE ones (any '=' makes an argument named).
        // Upstart rescans the whole list each time; remembering the state is the same and linear.
        if (argument.Contains('=', StringComparison.Ordinal))
        {
            match.SeenNamed = true;
        }
        else if (match.SeenNamed)
        {
            return t.Raise(ParseErrors.ExpectedVariable);
        }

        match.Arguments.Add(argument);
        return true;
    }

    /// <summary>parse_on_collect: pops operators and operands down to a group marker into one tree.</summary>
    private static bool Collect(ConfigTokenizer t, List<Node?> stack, ref Node? root)
    {
        while (stack.Count > 0)
        {
            var node = stack[^1];
            if (node is null)
            {
                break;
            }

            stack.RemoveAt(stack.Count - 1);
            if (node is OperatorNode op)
            {
                if (root is null)
                {
                    return t.Raise(ParseErrors.ExpectedEvent);
                }

                op.Right = root;
            }
            else if (root is not null)
            {
                return t.Raise(ParseErrors.ExpectedOperator);
            }

            root = node;
        }

        return root is not null || t.Raise(ParseErrors.ExpectedEvent);
    }

    private abstract class Node
    {
        public abstract EventExpression Freeze();
    }

    private sealed class MatchNode(string name) : Node
    {
        public List<string> Arguments { get; } = [];

        public bool SeenNamed { get; set; }

        public override EventExpression Freeze() => new EventMatch(name, [.. Arguments]);
    }

    private sealed class OperatorNode(bool isAnd, Node left) : Node
    {
        public Node? Right { get; set; }

        public override EventExpression Freeze()
        {
            var l = left.Freeze();
            var r = Right!.Freeze();
            return isAnd ? new EventAnd(l, r) : new EventOr(l, r);
        }
    }
}
