using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// `check --upstart-compatible` (Test-UpstartJobFile -UpstartCompatible): one warning at each stanza this
/// daemon accepts and Upstart 1.13 does not (`pre-restart`, `respawn delay`), for job files shared with
/// hosts that still run Upstart, which would refuse the whole file with "Unknown stanza". Opt-in: on a
/// host that never shares its files these stanzas are simply features (issue 10: `check` "can warn").
/// The positions are the parser's (<see cref="JobClassConfig.BeyondUpstart"/>): the .conf or .override
/// that holds each stanza, its line and column; nothing is read again.
/// </summary>
public static class UpstartCompatibility
{
    public const string Kind = "beyond-upstart";

    /// <summary>The warning's text for one setting: `respawn delay is not understood by Upstart 1.13 …`.</summary>
    public static string MessageFor(string setting) =>
        $"{setting} is not understood by Upstart 1.13 (it rejects the file: Unknown stanza)";

    /// <summary>The warning's text for a condition on an event only this daemon emits.</summary>
    public static string MessageForEvent(string stanza, string eventName) =>
        $"{stanza}: {eventName} is emitted by UpstartPS only (Upstart 1.13 never emits it: the condition would wait there for ever)";

    /// <summary>
    /// The warnings for one parsed job, in the order its files use the stanzas, then one per `start on`/`stop on`
    /// event only this daemon emits (at the file that set the condition; no line: the condition is the job's, as
    /// check-config's warnings are); none when it uses nothing beyond Upstart.
    /// </summary>
    public static IEnumerable<Diagnostic> Check(JobClassConfig job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.BeyondUpstart
            .Select(s => new Diagnostic(s.Path, s.Line, s.Column, Kind, MessageFor(s.Setting), DiagnosticSeverity.Warning))
            .Concat(EventWarnings(job, "start on", job.StartOn))
            .Concat(EventWarnings(job, "stop on", job.StopOn));
    }

    private static IEnumerable<Diagnostic> EventWarnings(JobClassConfig job, string stanza, EventExpression? condition)
    {
        if (condition is null)
        {
            yield break;
        }

        var path = job.OverrideSettings.Contains(stanza) && job.OverridePath is { } over ? over : job.SourcePath ?? job.Name + ".conf";
        foreach (var name in condition.EventNames().Distinct(StringComparer.Ordinal))
        {
            if (WellKnownEvents.EmittedBeyondUpstart.Contains(name))
            {
                yield return new Diagnostic(path, 0, 0, Kind, MessageForEvent(stanza, name), DiagnosticSeverity.Warning);
            }
        }
    }
}
