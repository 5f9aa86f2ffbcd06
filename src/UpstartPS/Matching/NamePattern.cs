using System.Text;
using System.Text.RegularExpressions;

namespace UpstartPS.Matching;

/// <summary>
/// PowerShell's wildcard rules (`*`, `?`, `[abc]`, `[a-z]`, backtick escapes), case-insensitive as
/// Get-Service matches. Plain .NET so it is testable without a PowerShell host; a literal pattern
/// (no unescaped wildcard) is treated by callers as an exact name that must exist.
/// </summary>
public sealed class NamePattern
{
    private readonly Regex? _regex;

    private NamePattern(string text, Regex? regex, string literal)
    {
        Text = text;
        _regex = regex;
        Literal = literal;
    }

    /// <summary>The pattern as the user typed it.</summary>
    public string Text { get; }

    /// <summary>True when the pattern contains an unescaped `*`, `?` or `[`.</summary>
    public bool IsWildcard => _regex is not null;

    /// <summary>The name with backtick escapes removed (meaningful when not a wildcard).</summary>
    public string Literal { get; }

    public static NamePattern Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var regex = new StringBuilder("^");
        var literal = new StringBuilder();
        var wildcard = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`' && i + 1 < text.Length)
            {
                i++;
                regex.Append(Regex.Escape(text[i].ToString()));
                literal.Append(text[i]);
                continue;
            }

            switch (c)
            {
                case '*':
                    wildcard = true;
                    regex.Append(".*");
                    break;
                case '?':
                    wildcard = true;
                    regex.Append('.');
                    break;
                case '[':
                    var close = ClosingBracket(text, i);
                    if (close < 0)
                    {
                        // PowerShell rejects an unclosed bracket; as a name it can only be literal.
                        regex.Append(Regex.Escape("["));
                        literal.Append(c);
                        break;
                    }

                    wildcard = true;
                    regex.Append(BracketClass(text.AsSpan(i + 1, close - i - 1)));
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    literal.Append(c);
                    break;
            }
        }

        regex.Append('$');
        var compiled = wildcard
            ? new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1))
            : null;
        return new NamePattern(text, compiled, literal.ToString());
    }

    /// <summary>Wildcards match case-insensitively; a literal matches ordinally, then case-insensitively.</summary>
    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _regex is not null
            ? _regex.IsMatch(name)
            : string.Equals(name, Literal, StringComparison.OrdinalIgnoreCase);
    }

    public override string ToString() => Text;

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

    private static string BracketClass(ReadOnlySpan<char> body)
    {
        var set = new StringBuilder("[");
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
                set.Append('-');
                continue;
            }

            // Inside a .NET character class only these are special.
            if (c is '\\' or ']' or '[' or '^' or '-')
            {
                set.Append('\\');
            }

            set.Append(c);
        }

        return set.Append(']').ToString();
    }
}
