using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Formatting;

/// <summary>show-config and check-config output as initctl prints them (UPSTART.md §d).</summary>
public static class ConfigText
{
    /// <summary>`JOB`, then `  emits EV` per event, `  start on …`, `  stop on …`.</summary>
    public static string ShowConfig(JobConfigInfo job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var lines = new List<string> { job.Name };
        lines.AddRange(job.Emits.Select(e => "  emits " + e));
        if (job.StartOn is not null)
        {
            lines.Add("  start on " + job.StartOn);
        }

        if (job.StopOn is not null)
        {
            lines.Add("  stop on " + job.StopOn);
        }

        return string.Join('\n', lines);
    }

    /// <summary>Each job with a problem, then `  start on: unknown job grape` / `  stop on: unknown event peach`.</summary>
    public static string CheckConfig(IReadOnlyList<CheckConfigItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var lines = new List<string>();
        foreach (var group in items.GroupBy(i => i.Job))
        {
            lines.Add(group.Key);
            lines.AddRange(group.Select(i => $"  {i.Stanza}: unknown {i.Kind} {i.Name}"));
        }

        return string.Join('\n', lines);
    }

    /// <summary>reload-configuration --dry-run: what would change, one `+ NAME`, `~ NAME`, `- NAME` per line.</summary>
    public static string ConfigurationChange(ConfigurationChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var lines = change.Added.Select(n => "+ " + n)
            .Concat(change.Changed.Select(n => "~ " + n))
            .Concat(change.Removed.Select(n => "- " + n))
            .Concat(change.Diagnostics.Select(d => "! " + Diagnostic(d)));
        return string.Join('\n', lines);
    }

    /// <summary>One diagnostic as `diagnostics`, the daemon's log and `upstart-host check` print it: PATH:LINE:COLUMN: KIND: MESSAGE.</summary>
    public static string Diagnostic(DiagnosticInfo d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return $"{d.Path}:{d.Line}:{d.Column}: {d.Kind}: {d.Message}";
    }
}
