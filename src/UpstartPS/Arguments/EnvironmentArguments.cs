using System.Collections;
using System.Globalization;

namespace UpstartPS.Arguments;

/// <summary>
/// Turns what a user typed for -Environment into the KEY=VALUE list an event or job carries:
/// hashtables (@{ PORT = 8080 }), KEY=VALUE strings, or a mix. A bare KEY is initctl's "take the
/// value from my environment", resolved here so the daemon never sees the caller's environment.
/// Hashtable order is not defined, so its entries are sorted by key; strings keep their order.
/// </summary>
public static class EnvironmentArguments
{
    /// <summary>
    /// Parses <paramref name="items"/> (already unwrapped from PSObject). Throws ArgumentException with
    /// a message naming the bad entry; the cmdlet turns it into an InvalidArgument error.
    /// </summary>
    public static IReadOnlyList<string> Parse(IEnumerable<object?>? items, Func<string, string?>? lookup = null)
    {
        var result = new List<string>();
        if (items is null)
        {
            return result;
        }

        lookup ??= System.Environment.GetEnvironmentVariable;
        foreach (var item in items)
        {
            switch (item)
            {
                case null:
                    break;
                case IDictionary table:
                    var entries = new List<(string Key, string Value)>();
                    foreach (DictionaryEntry entry in table)
                    {
                        var key = KeyText(entry.Key);
                        entries.Add((key, ValueText(entry.Value)));
                    }

                    result.AddRange(entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"));
                    break;
                case string text:
                    result.Add(FromString(text, lookup));
                    break;
                default:
                    result.Add(FromString(ValueText(item), lookup));
                    break;
            }
        }

        return result;
    }

    /// <summary>True when <paramref name="key"/> is a usable variable name: a letter or underscore, then letters, digits, underscores.</summary>
    public static bool IsValidKey(string key) =>
        key.Length > 0
        && (char.IsAsciiLetter(key[0]) || key[0] == '_')
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string FromString(string text, Func<string, string?> lookup)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? text : text[..equals];
        CheckKey(key, text);
        if (equals >= 0)
        {
            return text;
        }

        // initctl(8): "KEY" alone passes the variable's value from the caller's environment.
        var value = lookup(key) ?? throw new ArgumentException(
            $"The environment entry '{text}' has no value and no variable '{key}' is set. Use KEY=VALUE.");
        return $"{key}={value}";
    }

    private static string KeyText(object key)
    {
        var text = ValueText(key);
        CheckKey(text, text);
        return text;
    }

    private static void CheckKey(string key, string entry)
    {
        if (!IsValidKey(key))
        {
            throw new ArgumentException(
                $"The environment entry '{entry}' does not start with a valid variable name (letters, digits and '_', not starting with a digit).");
        }
    }

    private static string ValueText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
