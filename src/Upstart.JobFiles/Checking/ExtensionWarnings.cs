using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// Warnings for stanzas UpstartPS accepts and Upstart 1.13 does not: a file that uses them is fine here,
/// but Upstart's init (or init-checkconf) would refuse the whole file with "Unknown stanza". A warning,
/// not an error, so `check` still passes.
/// </summary>
public static class ExtensionWarnings
{
    /// <summary>The kind of a warning about an UpstartPS-only stanza.</summary>
    public const string Kind = "upstart-extension";

    public static IEnumerable<Diagnostic> For(JobClassConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.GetProcess(ProcessKind.PreRestart) is { } check)
        {
            var name = ProcessKind.PreRestart.ToUpstartName();
            var path = config.OverrideSettings.Contains(name) && config.OverridePath is not null
                ? config.OverridePath
                : config.SourcePath ?? config.Name;
            yield return new Diagnostic(
                path,
                check.Line,
                1,
                Kind,
                "pre-restart is an UpstartPS extension; Upstart 1.13 would reject this file (Unknown stanza)",
                DiagnosticSeverity.Warning);
        }
    }
}
