using System.Text;
using Upstart.JobFiles.Tests.Conformance;

namespace Upstart.JobFiles.Tests;

/// <summary>
/// One `events/NAME.case` file of the conformance corpus (conformance/README.md §2), parsed strictly:
/// an unknown key, a repeated single key, an `event:` without its `after:`, a stray `after:`, lines
/// after `parse-error:` or a bad token all raise <see cref="FormatException"/>, so a malformed case
/// fails instead of passing vacuously.
/// </summary>
internal sealed class EventConformanceCase
{
    private EventConformanceCase(string name) => Name = name;

    public string Name { get; }

    /// <summary>True for `context: stop` (values expand against <see cref="Environment"/>), false for `start`.</summary>
    public bool IsStop { get; private set; }

    /// <summary>The `env:` lines, raw KEY=VALUE, in order.</summary>
    public List<string> Environment { get; } = [];

    public string On { get; private set; } = "";

    public string? Tree { get; private set; }

    public string? ParseErrorKind { get; private set; }

    public string? ParseErrorMessage { get; private set; }

    public List<EventConformanceStep> Steps { get; } = [];

    /// <summary>The `result-env:` lines, unquoted, in order.</summary>
    public List<string> ResultEnvironment { get; } = [];

    public static EventConformanceCase Load(string name)
    {
        var path = Path.Combine(CorpusLocator.Folder("events"), name + ".case");
        if (!File.Exists(path))
        {
            throw new FormatException($"case '{name}': no file {path}");
        }

        return Parse(name, new UTF8Encoding(false, true).GetString(File.ReadAllBytes(path)));
    }

    public static EventConformanceCase Parse(string name, string text)
    {
        var c = new EventConformanceCase(name);
        var lines = text.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (count == 0 || !lines[0].StartsWith('#'))
        {
            throw c.Malformed(1, "the first line must be a '#' description");
        }

        string? context = null;
        var sawOn = false;
        EventConformanceStep? awaitingAfter = null;
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            var number = i + 1;
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            if (c.ParseErrorKind is not null)
            {
                throw c.Malformed(number, "nothing may follow parse-error:");
            }

            if (line == "reset")
            {
                RequireNoPendingAfter(c, awaitingAfter, number);
                c.Steps.Add(EventConformanceStep.Reset);
                continue;
            }

            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw c.Malformed(number, $"expected 'key: value', got '{line}'");
            }

            var key = line[..colon];
            var value = line[(colon + 2)..];
            if (key != "after")
            {
                RequireNoPendingAfter(c, awaitingAfter, number);
                awaitingAfter = null;
            }

            switch (key)
            {
                case "context":
                    if (context is not null || value is not ("start" or "stop"))
                    {
                        throw c.Malformed(number, $"context must appear once and be start or stop, got '{value}'");
                    }

                    context = value;
                    c.IsStop = value == "stop";
                    break;
                case "env":
                    var entry = value.StartsWith('"') ? Unquote(c, number, value) : value;
                    if (entry.IndexOf('=', StringComparison.Ordinal) <= 0)
                    {
                        throw c.Malformed(number, $"env needs KEY=VALUE, got '{value}'");
                    }

                    c.Environment.Add(entry);
                    break;
                case "on":
                    if (sawOn)
                    {
                        throw c.Malformed(number, "on: appears twice");
                    }

                    sawOn = true;
                    c.On = value;
                    break;
                case "tree":
                    if (c.Tree is not null)
                    {
                        throw c.Malformed(number, "tree: appears twice");
                    }

                    c.Tree = value;
                    break;
                case "parse-error":
                    if (c.Tree is not null || c.Steps.Count > 0)
                    {
                        throw c.Malformed(number, "parse-error: replaces tree: and ends the case");
                    }

                    var space = value.IndexOf(' ', StringComparison.Ordinal);
                    if (space <= 0 || space == value.Length - 1)
                    {
                        throw c.Malformed(number, $"parse-error needs KIND MESSAGE, got '{value}'");
                    }

                    c.ParseErrorKind = value[..space];
                    c.ParseErrorMessage = value[(space + 1)..];
                    break;
                case "event":
                    var tokens = SplitEventTokens(c, number, value);
                    awaitingAfter = new EventConformanceStep(number, tokens[0], tokens[1..]);
                    c.Steps.Add(awaitingAfter);
                    break;
                case "after":
                    if (awaitingAfter is null || awaitingAfter.ExpectedAfter is not null)
                    {
                        throw c.Malformed(number, "after: must follow an event: line, once");
                    }

                    awaitingAfter.ExpectedAfter = value switch
                    {
                        "used=yes value=true" or "used=yes value=false" or "used=no value=true" or "used=no value=false" => value,
                        _ => throw c.Malformed(number, $"after needs 'used=yes|no value=true|false', got '{value}'"),
                    };
                    break;
                case "result-env":
                    c.ResultEnvironment.Add(value.StartsWith('"') ? Unquote(c, number, value) : value);
                    break;
                default:
                    throw c.Malformed(number, $"unknown key '{key}'");
            }
        }

        RequireNoPendingAfter(c, awaitingAfter, count);
        if (context is null || !sawOn)
        {
            throw c.Malformed(count, "context: and on: are required");
        }

        if ((c.Tree is null) == (c.ParseErrorKind is null))
        {
            throw c.Malformed(count, "exactly one of tree: and parse-error: is required");
        }

        return c;
    }

    /// <summary>`event:` tokens: blanks separate, "..." groups, a backslash escapes the next character.</summary>
    private static string[] SplitEventTokens(EventConformanceCase c, int number, string value)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch == '\\')
            {
                if (i + 1 == value.Length)
                {
                    throw c.Malformed(number, "event: ends in a lone backslash");
                }

                current.Append(value[++i]);
                inToken = true;
            }
            else if (ch == '"')
            {
                quoted = !quoted;
                inToken = true;
            }
            else if (!quoted && ch is ' ' or '\t')
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(ch);
                inToken = true;
            }
        }

        if (quoted)
        {
            throw c.Malformed(number, "event: has an unterminated quote");
        }

        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        if (tokens.Count == 0 || tokens[0].Length == 0)
        {
            throw c.Malformed(number, "event: needs a name");
        }

        return [.. tokens];
    }

    /// <summary>A double-quoted S-expression token: \" \\ \n \t escapes, nothing after the closing quote.</summary>
    private static string Unquote(EventConformanceCase c, int number, string value)
    {
        var sb = new StringBuilder();
        for (var i = 1; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch == '"')
            {
                if (i != value.Length - 1)
                {
                    throw c.Malformed(number, $"text after the closing quote in '{value}'");
                }

                return sb.ToString();
            }

            if (ch == '\\')
            {
                if (++i == value.Length)
                {
                    break;
                }

                sb.Append(value[i] switch
                {
                    '"' => '"',
                    '\\' => '\\',
                    'n' => '\n',
                    't' => '\t',
                    _ => throw c.Malformed(number, $"unknown escape \\{value[i]} in '{value}'"),
                });
                continue;
            }

            sb.Append(ch);
        }

        throw c.Malformed(number, $"unterminated quoted value '{value}'");
    }

    private static void RequireNoPendingAfter(EventConformanceCase c, EventConformanceStep? awaitingAfter, int number)
    {
        if (awaitingAfter is { ExpectedAfter: null })
        {
            throw c.Malformed(number, $"event: on line {awaitingAfter.Line} has no after: line");
        }
    }

    private FormatException Malformed(int line, string message) => new($"{Name}.case:{line}: malformed case: {message}");
}

/// <summary>One `event:` line with its expected `after:`, or a `reset`.</summary>
internal sealed class EventConformanceStep(int line, string eventName, string[] environment)
{
    public static readonly EventConformanceStep Reset = new(0, "", []);

    public int Line { get; } = line;

    public string EventName { get; } = eventName;

    public string[] EventEnvironment { get; } = environment;

    public string? ExpectedAfter { get; set; }

    public bool IsReset => ReferenceEquals(this, Reset);
}
