namespace Upstart.JobFiles.Checking;

/// <summary>
/// fnmatch(3) with flags 0, enough for `emits` patterns: `*` and `?` match any character (including
/// `/`), `[...]` classes with `!` or `^` negation and ranges, and `\` quoting the next character.
/// Iterative with one backtrack point, so hostile patterns stay linear-ish.
/// </summary>
internal static class Glob
{
    public static bool IsPattern(string s) => s.AsSpan().IndexOfAny("*?[\\") >= 0;

    public static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = ++p;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches one pattern element at <paramref name="p"/> against <paramref name="c"/>, advancing past it.</summary>
    private static bool MatchOne(ReadOnlySpan<char> pattern, ref int p, char c)
    {
        var start = p;
        switch (pattern[p])
        {
            case '?':
                p++;
                return true;
            case '\\' when p + 1 < pattern.Length:
                p += 2;
                return pattern[start + 1] == c;
            case '[':
                if (TryClass(pattern, p, c, out var end, out var matched))
                {
                    p = end;
                    return matched;
                }

                // An unclosed '[' is an ordinary character.
                p++;
                return c == '[';
            default:
                p++;
                return pattern[start] == c;
        }
    }

    private static bool TryClass(ReadOnlySpan<char> pattern, int p, char c, out int end, out bool matched)
    {
        var i = p + 1;
        var negate = i < pattern.Length && pattern[i] is '!' or '^';
        if (negate)
        {
            i++;
        }

        matched = false;
        var first = true;
        while (i < pattern.Length && (first || pattern[i] != ']'))
        {
            first = false;
            var lo = pattern[i];
            if (lo == '\\' && i + 1 < pattern.Length)
            {
                lo = pattern[++i];
            }

            i++;
            var hi = lo;
            if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
            {
                hi = pattern[i + 1];
                if (hi == '\\' && i + 2 < pattern.Length)
                {
                    hi = pattern[i + 2];
                    i++;
                }

                i += 2;
            }

            if (c >= lo && c <= hi)
            {
                matched = true;
            }
        }

        if (i >= pattern.Length)
        {
            end = p;
            return false;
        }

        end = i + 1;
        matched ^= negate;
        return true;
    }
}
