using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// `check --upstart-compatible`: warnings for stanzas this daemon accepts and Upstart 1.13 does not, for job
/// files shared with hosts that still run Upstart (which would refuse the whole file with "Unknown stanza").
/// Only what the parse actually kept is reported (a job whose config has the setting), at the line of each
/// stanza that set it in the .conf or the .override.
/// </summary>
public static class UpstartCompatibility
{
    public const string Kind = "beyond-upstart";

    public const string RespawnDelayMessage = "respawn delay is not understood by Upstart 1.13 (it rejects the file: Unknown stanza)";

    /// <summary>The warnings for one parsed job; none when it uses nothing beyond Upstart.</summary>
    public static IReadOnlyList<Diagnostic> Check(JobClassConfig job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var warnings = new List<Diagnostic>();
        if (job.RespawnDelay is null)
        {
            return warnings;
        }

        foreach (var path in new[] { job.SourcePath, job.OverridePath })
        {
            if (path is null || JobFileSource.Read(path, []) is not { } text)
            {
                continue;
            }

            foreach (var (line, column) in RespawnDelayLines(text))
            {
                warnings.Add(new Diagnostic(path, line, column, Kind, RespawnDelayMessage, DiagnosticSeverity.Warning));
            }
        }

        return warnings;
    }

    /// <summary>
    /// Where `respawn delay` stanzas start (1-based line and column), outside `script … end script` blocks.
    /// A line scan, not a second parse: good enough to point at the stanza in any file the parser accepted.
    /// </summary>
    internal static IEnumerable<(int Line, int Column)> RespawnDelayLines(string text)
    {
        var inScript = false;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var start = raw.Length - raw.AsSpan().TrimStart(" \t\r").Length;
            var words = raw[start..].Split([' ', '\t', '\r'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (inScript)
            {
                inScript = !(words.Length >= 2 && words[0] == "end" && words[1] == "script");
                continue;
            }

            if (words.Length >= 1 && (words[0] == "script" || (words.Length >= 2 && words[1] == "script")))
            {
                inScript = true;
            }
            else if (words.Length >= 2 && words[0] == "respawn" && words[1] == "delay")
            {
                yield return (number, start + 1);
            }
        }
    }
}
