using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Formatting;

/// <summary>
/// initctl's status line (UPSTART.md §d): `JOB[ (INST)] GOAL/STATE`, then `, process PID` when the first
/// live process is main, pre-start or post-stop, else `, (KIND) process PID`; every further live
/// process on its own line `\tKIND process PID`. A class with no instance is `JOB stop/waiting`.
/// A disabled job (beyond Upstart) ends its first line with `, disabled`: everything before it is
/// initctl's, so parsers that look for `stop/waiting`, `start/running` or `process PID` (Ansible's service
/// module, Puppet, Salt) read the line as before; the further process lines are untouched.
/// Beyond Upstart, a respawn waiting for its back-off adds `\trespawn due TIME` (UTC, ISO 8601) on a line
/// of its own, after the processes, so parsers of the first line and of `process PID` lines are unaffected.
/// </summary>
public static class StatusLine
{
    /// <summary>The suffix that says a job is disabled; nothing for an enabled one.</summary>
    public const string DisabledSuffix = ", disabled";

    private static readonly string[] Order = ["main", "pre-start", "post-start", "pre-stop", "post-stop", "security"];

    public static string Format(JobInfo job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!job.HasInstance)
        {
            return $"{job.Name} stop/waiting{DisabledMark(job)}";
        }

        var head = job.Instance.Length > 0 ? $"{job.Name} ({job.Instance})" : job.Name;
        var line = new System.Text.StringBuilder($"{head} {job.Goal}/{job.State}");
        var live = job.Processes
            .Where(p => p.Pid > 0)
            .OrderBy(p => Array.IndexOf(Order, p.Kind) is var i && i < 0 ? Order.Length : i)
            .ToList();
        if (live.Count > 0)
        {
            var first = live[0];
            line.Append(first.Kind is "main" or "pre-start" or "post-stop"
                ? $", process {first.Pid}"
                : $", ({first.Kind}) process {first.Pid}");
        }

        line.Append(DisabledMark(job));
        foreach (var p in live.Skip(1))
        {
            line.Append($"\n\t{p.Kind} process {p.Pid}");
        }

        if (job.NextRespawn is { } due)
        {
            line.Append("\n\trespawn due ")
                .Append(due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        return line.ToString();
    }

    private static string DisabledMark(JobInfo job) => job.Disabled ? DisabledSuffix : "";
}
