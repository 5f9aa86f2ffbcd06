namespace UpstartCtl.Formatting;

/// <summary>
/// The operands of a `start on`/`stop on` condition as the daemon words it (show-config: every and/or
/// bracketed, `(A and (B or C var=2))`, a value with blanks as `KEY="v w"`), left to right, each as its
/// event name then its arguments. What show-config -e lists; the daemon sends the condition as text only.
/// </summary>
public static class ConditionOperands
{
    public static IReadOnlyList<IReadOnlyList<string>> Split(string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var operands = new List<IReadOnlyList<string>>();
        var current = new List<string>();
        foreach (var token in Tokens(condition))
        {
            // An operator or a bracket ends the operand being read. `and`/`or` are words the job-file
            // grammar never takes as an argument unless quoted, and the daemon quotes only values with blanks.
            if (token is "(" or ")" or "and" or "or")
            {
                Flush(operands, ref current);
                continue;
            }

            current.Add(token);
        }

        Flush(operands, ref current);
        return operands;
    }

    private static void Flush(List<IReadOnlyList<string>> operands, ref List<string> current)
    {
        if (current.Count > 0)
        {
            operands.Add(current);
            current = [];
        }
    }

    /// <summary>Words split at blanks, `(` and `)` as words of their own; a double-quoted stretch stays in its word.</summary>
    private static IEnumerable<string> Tokens(string text)
    {
        var word = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (quoted)
            {
                word.Append(c);
                quoted = c != '"';
                continue;
            }

            switch (c)
            {
                case '"':
                    word.Append(c);
                    quoted = true;
                    break;
                case ' ' or '\t' or '(' or ')':
                    if (word.Length > 0)
                    {
                        yield return word.ToString();
                        word.Clear();
                    }

                    if (c is '(' or ')')
                    {
                        yield return c.ToString();
                    }

                    break;
                default:
                    word.Append(c);
                    break;
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}
