using Upstart.JobFiles.Diagnostics;
using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>
/// One problem in a job file, from Test-UpstartJobFile (offline) or from the daemon's load. Kind is a
/// stable identifier (unknown-stanza, expected-token, bad-job-name, unknown-event …); Message is
/// Upstart's text. Line and Column are 1-based.
/// </summary>
public sealed class UpstartJobFileDiagnostic
{
    internal UpstartJobFileDiagnostic(Diagnostic diagnostic)
        : this(diagnostic.Path, diagnostic.Line, diagnostic.Column, diagnostic.Kind, diagnostic.Message,
            diagnostic.Severity == DiagnosticSeverity.Warning ? "Warning" : "Error")
    {
    }

    internal UpstartJobFileDiagnostic(DiagnosticInfo info)
        : this(info.Path, info.Line, info.Column, info.Kind, info.Message,
            string.Equals(info.Severity, "warning", StringComparison.OrdinalIgnoreCase) ? "Warning" : "Error")
    {
    }

    internal UpstartJobFileDiagnostic(string path, int line, int column, string kind, string message, string severity)
    {
        Path = path;
        Line = line;
        Column = column;
        Kind = kind;
        Message = message;
        Severity = severity;
    }

    public string Path { get; }
    public int Line { get; }
    public int Column { get; }

    /// <summary>"Error" or "Warning".</summary>
    public string Severity { get; }

    public string Kind { get; }
    public string Message { get; }

    /// <summary>PATH:LINE:COL: KIND: MESSAGE, as `upstart-host check` prints it.</summary>
    public override string ToString() => $"{Path}:{Line}:{Column}: {Kind}: {Message}";
}
