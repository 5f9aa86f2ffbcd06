namespace UpstartHost.Control;

/// <summary>fnmatch(3)-style job name patterns for status: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`.</summary>
public static class JobNamePattern
{
    public static bool HasWildcard(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.AsSpan().IndexOfAny("*?[") >= 0;
    }

    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return Match(pattern, 0, name, 0);
    }

    // Iterative on `*` with one backtrack point: linear-ish and no recursion depth for hostile patterns.
    private static bool Match(string p, int pi, string s, int si)
    {
        int starP = -1, starS = -1;
        while (si < s.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                starP = pi++;
                starS = si;
                continue;
            }

            if (pi < p.Length && MatchOne(p, ref pi, s[si], out var next))
            {
                pi = next;
                si++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            pi = starP + 1;
            si = ++starS;
        }

        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }

        return pi == p.Length;
    }

    private static bool MatchOne(string p, ref int pi, char c, out int next)
    {
        if (p[pi] == '?')
        {
            next = pi + 1;
            return true;
        }

        if (p[pi] == '[')
        {
            var i = pi + 1;
            var negate = i < p.Length && (p[i] == '!' || p[i] == '^');
            if (negate)
            {
                i++;
            }

            var matched = false;
            var first = true;
            while (i < p.Length && (first || p[i] != ']'))
            {
                first = false;
                if (i + 2 < p.Length && p[i + 1] == '-' && p[i + 2] != ']')
                {
                    matched |= c >= p[i] && c <= p[i + 2];
                    i += 3;
                }
                else
                {
                    matched |= c == p[i];
                    i++;
                }
            }

            if (i < p.Length)
            {
                next = i + 1;
                return matched != negate;
            }

            // No closing bracket: '[' is an ordinary character.
        }

        next = pi + 1;
        return p[pi] == c;
    }
}
