using System.Text;

namespace UpstartHost.Engine;

/// <summary>
/// Upstart's environ_expand for the `instance` stanza (UPSTART.md §b.3): $NAME, ${NAME},
/// ${NAME:-default}, ${NAME-default}, ${NAME:+alt}, ${NAME+alt} and ${} for a literal '$'. An unknown
/// name is an error (`Unknown parameter: NAME`), which refuses the start.
/// </summary>
public static class VariableExpansion
{
    /// <summary>Expands <paramref name="text"/>; on failure returns false and the message in <paramref name="error"/>.</summary>
    public static bool TryExpand(string text, IReadOnlyDictionary<string, string> environment, out string result, out string error)
    {
        var sb = new StringBuilder(text.Length);
        error = "";
        var ok = Expand(text, environment, sb, ref error, depth: 0);
        result = ok ? sb.ToString() : "";
        return ok;
    }

    private static bool Expand(string text, IReadOnlyDictionary<string, string> env, StringBuilder sb, ref string error, int depth)
    {
        // Nesting comes only from the text itself; a bound keeps hostile patterns cheap.
        if (depth > 16)
        {
            error = "Expansion too deep";
            return false;
        }

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }

            var next = text[i + 1];
            if (next == '{')
            {
                var close = FindClose(text, i + 2);
                if (close < 0)
                {
                    error = "Mismatched braces";
                    return false;
                }

                if (!ExpandBraced(text[(i + 2)..close], env, sb, ref error, depth))
                {
                    return false;
                }

                i = close + 1;
            }
            else if (IsNameStart(next))
            {
                var end = i + 1;
                while (end < text.Length && IsNameChar(text[end]))
                {
                    end++;
                }

                var name = text[(i + 1)..end];
                if (!env.TryGetValue(name, out var value))
                {
                    error = "Unknown parameter: " + name;
                    return false;
                }

                sb.Append(value);
                i = end;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        return true;
    }

    private static bool ExpandBraced(string inner, IReadOnlyDictionary<string, string> env, StringBuilder sb, ref string error, int depth)
    {
        if (inner.Length == 0)
        {
            sb.Append('$');
            return true;
        }

        var end = 0;
        while (end < inner.Length && IsNameChar(inner[end]))
        {
            end++;
        }

        var name = inner[..end];
        if (name.Length == 0 || !IsNameStart(name[0]))
        {
            error = "Illegal parameter: " + inner;
            return false;
        }

        var found = env.TryGetValue(name, out var value);
        var rest = inner[end..];
        if (rest.Length == 0)
        {
            if (!found)
            {
                error = "Unknown parameter: " + name;
                return false;
            }

            sb.Append(value);
            return true;
        }

        var colon = rest[0] == ':';
        var op = colon ? (rest.Length > 1 ? rest[1] : '\0') : rest[0];
        var word = rest[(colon ? 2 : 1)..];
        var set = colon ? found && value!.Length > 0 : found;
        switch (op)
        {
            case '-':
                return set ? Append(sb, value!) : Expand(word, env, sb, ref error, depth + 1);
            case '+':
                return !set || Expand(word, env, sb, ref error, depth + 1);
            default:
                error = "Illegal parameter: " + inner;
                return false;
        }
    }

    private static bool Append(StringBuilder sb, string value)
    {
        sb.Append(value);
        return true;
    }

    private static int FindClose(string text, int from)
    {
        var nesting = 0;
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                nesting++;
            }
            else if (text[i] == '}')
            {
                if (nesting == 0)
                {
                    return i;
                }

                nesting--;
            }
        }

        return -1;
    }

    private static bool IsNameStart(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';
}
