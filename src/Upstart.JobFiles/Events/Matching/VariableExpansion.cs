using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Upstart.JobFiles.Events.Matching;

/// <summary>
/// Upstart's shell-like `$VAR` expansion (environ_expand, UPSTART.md §b.3): `$NAME`, `${NAME}`,
/// `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}` and `${}` for a literal `$`.
/// The name inside braces is itself expanded first (`${$KEY}`), and an operator's argument is always
/// expanded even when it ends up unused, so an unknown variable there is still an error. A `$` that
/// starts no reference is kept. Errors carry Upstart's message text ("Unknown parameter: NAME").
/// </summary>
public static class VariableExpansion
{
    private const string NameTerminators = "}:-+";
    private const string BraceTerminator = "}";
    private const int MaxPooledCapacity = 1024;

    /// <summary>
    /// How deep `${…${…}…}` may nest. Upstart's environ_expand recursed without a limit, so a hostile
    /// file could overflow the stack; the parser refuses deeper nesting (<see cref="ExpansionNesting"/>)
    /// and expansion stops here with an error, so no text can take the daemon down.
    /// </summary>
    public const int MaxNesting = 1000;

    /// <summary>The error expansion gives past <see cref="MaxNesting"/>.</summary>
    public const string TooDeepMessage = "Variable expansion nested too deeply";

    [ThreadStatic]
    private static StringBuilder? t_buffer;

    /// <summary>
    /// Expands <paramref name="text"/> against <paramref name="environment"/> (null: no variables at
    /// all, as for `start on` in 1.13.2). Returns false with Upstart's error message on failure.
    /// </summary>
    public static bool TryExpand(
        string text,
        IReadOnlyDictionary<string, string>? environment,
        [NotNullWhen(true)] out string? result,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            result = text;
            error = null;
            return true;
        }

        // Reuse one buffer per thread: expansion runs on the engine's hot path for `stop on`.
        var output = t_buffer ?? new StringBuilder(64);
        t_buffer = null;
        output.Clear();
        var pos = 0;
        var ok = ExpandUntil(text, ref pos, environment, "", output, depth: 0, out error);
        result = ok ? output.ToString() : null;
        if (output.Capacity <= MaxPooledCapacity)
        {
            t_buffer = output;
        }

        return ok;
    }

    /// <summary>True when <paramref name="name"/> is a valid variable name: [A-Za-z_][A-Za-z0-9_]*.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !IsNameStart(name[0]))
        {
            return false;
        }

        foreach (var c in name[1..])
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);

    private static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    /// <summary>
    /// Copies and expands text from <paramref name="pos"/> into <paramref name="output"/> until the end
    /// or a character in <paramref name="until"/>; <paramref name="pos"/> is left on that character.
    /// </summary>
    private static bool ExpandUntil(
        string text,
        ref int pos,
        IReadOnlyDictionary<string, string>? environment,
        string until,
        StringBuilder output,
        int depth,
        [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (depth > MaxNesting)
        {
            error = TooDeepMessage;
            return false;
        }

        while (pos < text.Length && !until.Contains(text[pos], StringComparison.Ordinal))
        {
            if (text[pos] != '$')
            {
                output.Append(text[pos]);
                pos++;
                continue;
            }

            pos++;
            if (pos < text.Length && IsNameStart(text[pos]))
            {
                var nameStart = pos;
                while (pos < text.Length && IsNameChar(text[pos]))
                {
                    pos++;
                }

                var name = text[nameStart..pos];
                if (!TryLookup(environment, name, out var value))
                {
                    error = "Unknown parameter: " + name;
                    return false;
                }

                output.Append(value);
            }
            else if (pos + 1 < text.Length && text[pos] == '{' && text[pos + 1] == '}')
            {
                output.Append('$');
                pos += 2;
            }
            else if (pos < text.Length && text[pos] == '{')
            {
                pos++;
                if (!ExpandBraced(text, ref pos, environment, output, depth + 1, out error))
                {
                    return false;
                }
            }
            else
            {
                // A lone `$` (end of text, or followed by a non-name character) stays literal.
                output.Append('$');
            }
        }

        return true;
    }

    /// <summary>Expands the inside of `${…}`; <paramref name="pos"/> starts just after the brace.</summary>
    private static bool ExpandBraced(
        string text,
        ref int pos,
        IReadOnlyDictionary<string, string>? environment,
        StringBuilder output,
        int depth,
        [NotNullWhen(false)] out string? error)
    {
        // Like Upstart's in-place expansion, the name and the operator's argument are expanded into
        // the output itself; the name is then cut back out, the argument kept or cut as the operator says.
        var nameStart = output.Length;
        if (!ExpandUntil(text, ref pos, environment, NameTerminators, output, depth, out error))
        {
            return false;
        }

        var name = output.ToString(nameStart, output.Length - nameStart);
        output.Length = nameStart;
        if (!IsValidName(name))
        {
            error = "Illegal parameter: " + name;
            return false;
        }

        var isDefault = false;
        var isAlternate = false;
        var ignoreEmpty = false;
        if (pos + 1 < text.Length && text[pos] == ':' && text[pos + 1] is '-' or '+')
        {
            isDefault = text[pos + 1] == '-';
            isAlternate = !isDefault;
            ignoreEmpty = true;
            pos += 2;
        }
        else if (pos < text.Length && text[pos] is '-' or '+')
        {
            isDefault = text[pos] == '-';
            isAlternate = !isDefault;
            pos++;
        }
        else if (pos < text.Length && text[pos] != '}')
        {
            error = "Expected operator";
            return false;
        }

        // The argument is expanded even when it ends up unused, so an unknown variable there is an error.
        var argumentStart = output.Length;
        if (!ExpandUntil(text, ref pos, environment, BraceTerminator, output, depth, out error))
        {
            return false;
        }

        if (pos >= text.Length)
        {
            error = "Mismatched braces";
            return false;
        }

        pos++;
        var isSet = TryLookup(environment, name, out var value);
        var isUsable = isSet && !(ignoreEmpty && value.Length == 0);
        if (isDefault || isAlternate)
        {
            // ${N:-x} keeps x when N is unusable; ${N:+x} keeps x when N is usable.
            if (isUsable == isDefault)
            {
                output.Length = argumentStart;
                if (isDefault)
                {
                    output.Append(value);
                }
            }
        }
        else if (isSet)
        {
            output.Append(value);
        }
        else
        {
            error = "Unknown parameter: " + name;
            return false;
        }

        return true;
    }

    private static bool TryLookup(IReadOnlyDictionary<string, string>? environment, string name, out string value)
    {
        if (environment is not null && environment.TryGetValue(name, out var found))
        {
            value = found;
            return true;
        }

        value = "";
        return false;
    }
}
