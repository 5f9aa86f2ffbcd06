using System.Text;
using Upstart.JobFiles.Events.Matching;

namespace UpstartPS.Matching;

/// <summary>
/// PowerShell's wildcard rules (`*`, `?`, `[abc]`, `[a-z]`, backtick escapes), case-insensitive as
/// Get-Service matches. The pattern is translated once into fnmatch(3) syntax and matched by the job-file
/// library's <see cref="Fnmatch"/>, the project's one glob matcher; case is folded by lower-casing both
/// sides (invariant culture), which is what makes `[A-Z]` and `web*` match `WEB`. A literal pattern (no
/// unescaped wildcard) is treated by callers as an exact name that must exist.
/// </summary>
public sealed class NamePattern
{
    /// <summary>Names up to this length are folded on the stack; longer ones (rare) allocate.</summary>
    private const int StackFoldLimit = 256;

    private readonly string? _fnmatch;

    private NamePattern(string text, string? fnmatch, string literal)
    {
        Text = text;
        _fnmatch = fnmatch;
        Literal = literal;
    }

    /// <summary>The pattern as the user typed it.</summary>
    public string Text { get; }

    /// <summary>True when the pattern contains an unescaped `*`, `?` or a closed `[...]`.</summary>
    public bool IsWildcard => _fnmatch is not null;

    /// <summary>The name with backtick escapes removed (meaningful when not a wildcard).</summary>
    public string Literal { get; }

    /// <summary>The fnmatch(3) form of a wildcard pattern, lower-cased; null for a literal.</summary>
    internal string? FnmatchPattern => _fnmatch;

    public static NamePattern Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fnmatch = new StringBuilder();
        var literal = new StringBuilder();
        var wildcard = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`' && i + 1 < text.Length)
            {
                i++;
                AppendLiteral(fnmatch, text[i]);
                literal.Append(text[i]);
                continue;
            }

            if (c is '*' or '?')
            {
                wildcard = true;
                fnmatch.Append(c);
                continue;
            }

            var close = c == '[' ? ClosingBracket(text, i) : -1;
            if (close > 0)
            {
                wildcard = true;
                AppendBracket(fnmatch, text.AsSpan(i + 1, close - i - 1));
                i = close;
                continue;
            }

            // Everything else, including an unclosed `[` (PowerShell rejects it; as a name it can only be literal).
            AppendLiteral(fnmatch, c);
            literal.Append(c);
        }

        return new NamePattern(text, wildcard ? fnmatch.ToString() : null, literal.ToString());
    }

    /// <summary>Wildcards match case-insensitively; a literal matches its name ignoring case.</summary>
    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_fnmatch is null)
        {
            return string.Equals(name, Literal, StringComparison.OrdinalIgnoreCase);
        }

        var folded = name.Length <= StackFoldLimit ? stackalloc char[name.Length] : new char[name.Length];
        name.AsSpan().ToLowerInvariant(folded);
        return Fnmatch.IsMatch(_fnmatch, folded);
    }

    /// <summary>
    /// The names this pattern picks out of a set, by -Name's rule: every match of a wildcard; for a literal the
    /// name spelled exactly so (job files on Linux are case-sensitive), else the one name that matches ignoring
    /// case, and none when several do ("Web" must not silently pick one of "web" and "WEB").
    /// </summary>
    public IReadOnlyList<string> Pick(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (IsWildcard)
        {
            return names.Where(IsMatch).Distinct(StringComparer.Ordinal).ToList();
        }

        var distinct = names.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Contains(Literal, StringComparer.Ordinal))
        {
            return [Literal];
        }

        var folded = distinct.Where(IsMatch).ToList();
        return folded.Count == 1 ? folded : [];
    }

    public override string ToString() => Text;

    /// <summary>One character that must match itself: escaped with a backslash, fnmatch's escape.</summary>
    private static void AppendLiteral(StringBuilder fnmatch, char c) => fnmatch.Append('\\').Append(char.ToLowerInvariant(c));

    /// <summary>
    /// A PowerShell bracket body as an fnmatch bracket: ranges keep their `-`; every other character is
    /// escaped, so `!` or `^` first (negation in fnmatch, plain in PowerShell) and `[:` stay literal.
    /// </summary>
    private static void AppendBracket(StringBuilder fnmatch, ReadOnlySpan<char> body)
    {
        fnmatch.Append('[');
        for (var k = 0; k < body.Length; k++)
        {
            var c = body[k];
            if (c == '`' && k + 1 < body.Length)
            {
                k++;
                c = body[k];
            }
            else if (c == '-' && k > 0 && k + 1 < body.Length)
            {
                fnmatch.Append('-');
                continue;
            }

            AppendLiteral(fnmatch, c);
        }

        fnmatch.Append(']');
    }

    private static int ClosingBracket(string text, int open)
    {
        for (var j = open + 1; j < text.Length; j++)
        {
            if (text[j] == '`')
            {
                j++;
            }
            else if (text[j] == ']' && j > open + 1)
            {
                return j;
            }
        }

        return -1;
    }
}
