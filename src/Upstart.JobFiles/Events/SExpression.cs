using System.Text;

namespace Upstart.JobFiles.Events;

/// <summary>The corpus' S-expression notation for event trees (conformance/README.md §1).</summary>
public static class SExpression
{
    public static string Format(EventExpression expression)
    {
        var sb = new StringBuilder();
        Append(sb, expression);
        return sb.ToString();
    }

    /// <summary>A token is bare unless it is empty or holds whitespace, a quote, a backslash or a parenthesis.</summary>
    public static string QuoteToken(string token)
    {
        var needsQuotes = token.Length == 0;
        foreach (var c in token)
        {
            if (char.IsWhiteSpace(c) || c is '"' or '\\' or '(' or ')')
            {
                needsQuotes = true;
                break;
            }
        }

        if (!needsQuotes)
        {
            return token;
        }

        var sb = new StringBuilder(token.Length + 2).Append('"');
        foreach (var c in token)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    private static void Append(StringBuilder sb, EventExpression expression)
    {
        switch (expression)
        {
            case EventMatch m:
                sb.Append("(event ").Append(QuoteToken(m.Name));
                foreach (var a in m.Arguments)
                {
                    sb.Append(' ').Append(QuoteToken(a));
                }

                sb.Append(')');
                break;
            case EventAnd a:
                sb.Append("(and ");
                Append(sb, a.Left);
                sb.Append(' ');
                Append(sb, a.Right);
                sb.Append(')');
                break;
            case EventOr o:
                sb.Append("(or ");
                Append(sb, o.Left);
                sb.Append(' ');
                Append(sb, o.Right);
                sb.Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expression));
        }
    }
}
