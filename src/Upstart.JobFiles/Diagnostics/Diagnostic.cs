namespace Upstart.JobFiles.Diagnostics;

/// <summary>
/// One problem found in a job file. <see cref="Kind"/> is a stable identifier (the corpus kinds:
/// unknown-stanza, expected-token, … plus loader kinds such as bad-job-name); <see cref="Message"/> is
/// Upstart's exact text. Line and column are 1-based.
/// </summary>
public sealed record Diagnostic(
    string Path,
    int Line,
    int Column,
    string Kind,
    string Message,
    DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    /// <summary>0-based byte offset of Upstart's parse cursor when it gave up; -1 when not from the parser.</summary>
    public int Offset { get; init; } = -1;

    /// <summary>
    /// PATH:LINE:COL: KIND: MESSAGE, the form `check` prints. <see cref="Path"/> is the real path (a caller may
    /// open it); only this printed form escapes what would forge or hide text in it (controls, line
    /// separators, invisible format characters) as \uXXXX.
    /// </summary>
    public override string ToString() => $"{ForDisplay(Path)}:{Line}:{Column}: {Kind}: {Message}";

    /// <summary><paramref name="text"/> with control, separator-line and format characters escaped as \uXXXX.</summary>
    public static string ForDisplay(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(Unprintable))
        {
            return text;
        }

        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (Unprintable(c))
            {
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool Unprintable(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) is
        System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.LineSeparator
        or System.Globalization.UnicodeCategory.ParagraphSeparator;
}

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
