namespace Upstart.JobFiles.Loading;

/// <summary>
/// Job name patterns for status: <c>*</c> any run, <c>?</c> one character, <c>[abc]</c>, <c>[a-z]</c>,
/// <c>[!a-z]</c> one of (or none of) a set, like fnmatch(3) and PowerShell wildcards. A pattern with none of
/// these is an exact name, so a status for a missing job can say <c>Unknown job: NAME</c>.
/// </summary>
public sealed class JobNamePattern
{
    private readonly string _pattern;

    public JobNamePattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _pattern = pattern;
        HasWildcards = pattern.AsSpan().IndexOfAny("*?[") >= 0;
    }

    public bool HasWildcards { get; }

    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return HasWildcards ? Match(_pattern, name) : string.Equals(_pattern, name, StringComparison.Ordinal);
    }

    public override string ToString() => _pattern;

    // Iterative matcher with one backtrack point for the last '*': linear in practice, never exponential
    // on hostile patterns like "*a*a*a*a*b".
    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length)
            {
                var c = pattern[p];
                if (c == '*')
                {
                    starP = p++;
                    starN = n;
                    continue;
                }

                if (c == '?')
                {
                    p++;
                    n++;
                    continue;
                }

                if (c == '[' && TryMatchSet(pattern, p, name[n], out var next, out var matched))
                {
                    if (matched)
                    {
                        p = next;
                        n++;
                        continue;
                    }
                }
                else if (c == name[n])
                {
                    p++;
                    n++;
                    continue;
                }
            }

            if (starP < 0)
            {
                return false;
            }

            p = starP + 1;
            n = ++starN;
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches one bracket set at <paramref name="open"/>; false if it is not a complete set (then '[' is literal).</summary>
    private static bool TryMatchSet(ReadOnlySpan<char> pattern, int open, char c, out int next, out bool matched)
    {
        var i = open + 1;
        var negate = i < pattern.Length && pattern[i] is '!' or '^';
        if (negate)
        {
            i++;
        }

        var found = false;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            var low = pattern[i];
            var high = low;
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                high = pattern[i + 2];
                i += 2;
            }

            found |= c >= low && c <= high;
            i++;
        }

        if (i >= pattern.Length)
        {
            next = open;
            matched = false;
            return false;
        }

        next = i + 1;
        matched = found != negate;
        return true;
    }
}
