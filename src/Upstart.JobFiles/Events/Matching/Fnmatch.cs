namespace Upstart.JobFiles.Events.Matching;

/// <summary>
/// fnmatch(3) with flags 0, as glibc does it in the C locale, written in C# so the library loads
/// anywhere (no P/Invoke). UPSTART.md §b.2: `*` and `?` also match `/` and a leading `.`, brackets
/// take `!` or `^` for negation, ranges and `[:class:]`, and `\x` matches x literally. Matching is
/// per UTF-16 code unit where Upstart works per byte; the two agree for ASCII. Allocation-free: the
/// pattern is interpreted in place. A malformed element simply fails to match at that position.
/// Bracket expressions, the larger half, are in <see cref="FnmatchBracket"/>.
/// </summary>
public static class Fnmatch
{
    /// <summary>What a match of one element returns for "no match": never a valid "after" index.</summary>
    internal const int NoMatch = 0;

    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/> (fnmatch(pattern, text, 0) == 0).</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // C strings end at the first NUL; so do ours.
        pattern = UpToNul(pattern);
        text = UpToNul(text);
        var p = 0;
        var t = 0;

        // Classic single-backtrack-point glob matching: without FNM_PATHNAME a later `*` can
        // always absorb whatever an earlier one would have, so only the last star needs retrying.
        var starP = -1;
        var starT = -1;

        while (true)
        {
            if (p < pattern.Length)
            {
                if (pattern[p] == '*')
                {
                    while (p < pattern.Length && pattern[p] == '*')
                    {
                        p++;
                    }

                    if (p == pattern.Length)
                    {
                        return true;
                    }

                    starP = p;
                    starT = t;
                    continue;
                }

                if (t < text.Length)
                {
                    var next = MatchOne(pattern, p, text[t]);
                    if (next != NoMatch)
                    {
                        p = next;
                        t++;
                        continue;
                    }
                }
            }
            else if (t == text.Length)
            {
                return true;
            }

            if (starP < 0 || starT >= text.Length)
            {
                return false;
            }

            starT++;
            t = starT;
            p = starP;
        }
    }

    /// <summary>
    /// Matches the pattern element at <paramref name="p"/> against one character. Returns the index
    /// after the element on a match, or <see cref="NoMatch"/> (never a valid "after" index).
    /// </summary>
    private static int MatchOne(ReadOnlySpan<char> pattern, int p, char c)
    {
        switch (pattern[p])
        {
            case '?':
                return p + 1;
            case '\\':
                // glibc: "Trailing \ loses."
                return p + 1 < pattern.Length && pattern[p + 1] == c ? p + 2 : NoMatch;
            case '[':
                return FnmatchBracket.Match(pattern, p, c);
            default:
                return pattern[p] == c ? p + 1 : NoMatch;
        }
    }

    private static ReadOnlySpan<char> UpToNul(ReadOnlySpan<char> s)
    {
        var nul = s.IndexOf('\0');
        return nul < 0 ? s : s[..nul];
    }
}
