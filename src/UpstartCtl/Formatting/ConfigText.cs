using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Formatting;

/// <summary>show-config and check-config output as initctl prints them (UPSTART.md §d).</summary>
public static class ConfigText
{
    /// <summary>
    /// `JOB`, then `  emits EV` per event, `  start on …`, `  stop on …`. With <paramref name="enumerate"/>
    /// (show-config -e), each operand of a condition on its own line instead, as initctl's
    /// job_class_parse_events prints them: `  start on starting (job: A, env:)`, `  stop on net-up (job:, env: IFACE=eth0)`.
    /// A disabled job has no `start on` line, as a `manual` job has none in Upstart's: scripts tell a job that will
    /// not start by itself that way (invoke-rc.d's `show-config -e JOB | grep -q '^  start on' || DISABLED=1`, which
    /// then leaves it down and exits 0 instead of failing a package's postinst on `Job is disabled`).
    /// </summary>
    public static string ShowConfig(JobConfigInfo job, bool enumerate = false)
    {
        ArgumentNullException.ThrowIfNull(job);
        var lines = new List<string> { job.Name };
        lines.AddRange(job.Emits.Select(e => "  emits " + e));
        AddCondition(lines, "start on", job.Disabled ? null : job.StartOn, job.StartOnOperands, enumerate);
        AddCondition(lines, "stop on", job.StopOn, job.StopOnOperands, enumerate);
        return string.Join('\n', lines);
    }

    /// <param name="operands">The daemon's own operands (raw arguments, as initctl prints them); null from an older daemon, whose text is split here instead.</param>
    private static void AddCondition(List<string> lines, string stanza, string? condition, IReadOnlyList<IReadOnlyList<string>>? operands, bool enumerate)
    {
        if (condition is null)
        {
            return;
        }

        if (!enumerate)
        {
            lines.Add($"  {stanza} {condition}");
            return;
        }

        foreach (var operand in operands ?? ConditionOperands.Split(condition))
        {
            lines.Add($"  {stanza} {EnumeratedOperand(operand)}");
        }
    }

    /// <summary>
    /// initctl -e: `EVENT (job: NAME, env: ARG...)`. For the job events (starting, started, stopping, stopped)
    /// the job is a first argument without `=`, or the first `JOB=NAME` (initctl.h GET_JOB_NAME), and is not
    /// repeated among the env; `(job:, env:)` when there is neither.
    /// </summary>
    private static string EnumeratedOperand(IReadOnlyList<string> operand)
    {
        var name = operand[0];
        var isJobEvent = name is "starting" or "started" or "stopping" or "stopped";
        string? job = null;
        var env = new System.Text.StringBuilder();
        for (var i = 1; i < operand.Count; i++)
        {
            var arg = operand[i];
            if (isJobEvent && job is null)
            {
                if (arg.StartsWith("JOB=", StringComparison.Ordinal))
                {
                    job = arg["JOB=".Length..];
                    continue;
                }

                if (i == 1 && !arg.Contains('=', StringComparison.Ordinal))
                {
                    job = arg;
                    continue;
                }
            }

            env.Append(' ').Append(arg);
        }

        return job is null ? $"{name} (job:, env:{env})" : $"{name} (job: {job}, env:{env})";
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
