using System.Runtime.CompilerServices;
using System.Text;
using Upstart.JobFiles.Events;

namespace UpstartHost.Control;

/// <summary>
/// A `start on`/`stop on` tree as initctl show-config prints it: operands as `NAME ARG...`, every
/// and/or bracketed (`(A and (B or C var=2))`), a value with blanks as `KEY="v w"`.
/// </summary>
public static class ConditionText
{
    // Job classes are immutable and asked for on every status and list: format each tree once.
    private static readonly ConditionalWeakTable<EventExpression, string> Cache = [];

    public static string Format(EventExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return Cache.GetValue(expression, static e =>
        {
            var sb = new StringBuilder();
            Append(sb, e);
            return sb.ToString();
        });
    }

    /// <summary>
    /// The operands left to right, each `[NAME, ARG...]` with its arguments raw (no quoting: they travel as JSON
    /// strings), for show-config -e: initctl lists the operands of the job's condition, not of re-split text.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Operands(EventExpression expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var operands = new List<IReadOnlyList<string>>();
        Collect(operands, expression);
        return operands;
    }

    private static void Collect(List<IReadOnlyList<string>> operands, EventExpression e)
    {
        switch (e)
        {
            case EventMatch m:
                operands.Add([m.Name, .. m.Arguments]);
                break;
            case EventAnd a:
                Collect(operands, a.Left);
                Collect(operands, a.Right);
                break;
            case EventOr o:
                Collect(operands, o.Left);
                Collect(operands, o.Right);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(e));
        }
    }

    private static void Append(StringBuilder sb, EventExpression e)
    {
        switch (e)
        {
            case EventMatch m:
                sb.Append(m.Name);
                foreach (var a in m.Arguments)
                {
                    sb.Append(' ').Append(Quote(a));
                }

                break;
            case EventAnd a:
                Binary(sb, a.Left, "and", a.Right);
                break;
            case EventOr o:
                Binary(sb, o.Left, "or", o.Right);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(e));
        }
    }

    private static void Binary(StringBuilder sb, EventExpression left, string op, EventExpression right)
    {
        sb.Append('(');
        Append(sb, left);
        sb.Append(' ').Append(op).Append(' ');
        Append(sb, right);
        sb.Append(')');
    }

    private static string Quote(string argument)
    {
        if (argument.AsSpan().IndexOfAny(" \t") < 0)
        {
            return argument;
        }

        var eq = argument.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 ? $"{argument[..(eq + 1)]}\"{argument[(eq + 1)..]}\"" : $"\"{argument}\"";
    }
}
