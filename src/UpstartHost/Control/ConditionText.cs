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
