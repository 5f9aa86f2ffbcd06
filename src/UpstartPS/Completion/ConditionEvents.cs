namespace UpstartPS.Completion;

/// <summary>
/// The event names in a `start on` / `stop on` condition as the daemon prints it (show-config form:
/// `started web and (deploy VERSION=1 or runlevel [2345])`). init(5): an operand is an event name followed
/// by its arguments, joined by `and` / `or` and brackets, so a name is the first word of the expression,
/// after `(`, or after `and` / `or`; every other word is an argument. Quoted arguments are skipped whole.
/// </summary>
public static class ConditionEvents
{
    public static IEnumerable<string> NamesIn(string? condition)
    {
        if (string.IsNullOrWhiteSpace(condition))
        {
            yield break;
        }

        var expectName = true;
        foreach (var word in Words(condition))
        {
            if (word is "(" or "and" or "or")
            {
                expectName = true;
            }
            else if (word == ")")
            {
                expectName = false;
            }
            else if (expectName)
            {
                yield return word;
                expectName = false;
            }
        }
    }

    private static IEnumerable<string> Words(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                yield return c.ToString();
                i++;
            }
            else
            {
                var start = i;
                char? quote = null;
                while (i < text.Length && (quote is not null || !(char.IsWhiteSpace(text[i]) || text[i] is '(' or ')')))
                {
                    if (quote is null && text[i] is '"' or '\'')
                    {
                        quote = text[i];
                    }
                    else if (text[i] == quote)
                    {
                        quote = null;
                    }

                    i++;
                }

                yield return text[start..i];
            }
        }
    }
}
