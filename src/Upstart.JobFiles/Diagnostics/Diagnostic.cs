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

    /// <summary>PATH:LINE:COL: KIND: MESSAGE, the form `check` prints.</summary>
    public override string ToString() => $"{Path}:{Line}:{Column}: {Kind}: {Message}";
}

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
