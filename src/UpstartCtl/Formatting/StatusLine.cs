using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Formatting;

/// <summary>
/// initctl's status line (UPSTART.md §d): `JOB[ (INST)] GOAL/STATE`, then `, process PID` when the first
/// live process is main, pre-start or post-stop, else `, (KIND) process PID`; every further live
/// process on its own line `\tKIND process PID`. A class with no instance is `JOB stop/waiting`.
/// Beyond Upstart, a respawn waiting for its back-off adds `\trespawn due TIME` (UTC, ISO 8601) on a line
/// of its own, after the processes, so parsers of the first line and of `process PID` lines are unaffected.
/// </summary>
public static class StatusLine
{
    private static readonly string[] Order = ["main", "pre-start", "post-start", "pre-stop", "post-stop", "security"];

    public static string Format(JobInfo job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!job.HasInstance)
        {
            return $"{job.Name} stop/waiting";
        }

        var head = job.Instance.Length > 0 ? $"{job.Name} ({job.Instance})" : job.Name;
        var line = new System.Text.StringBuilder($"{head} {job.Goal}/{job.State}");
        var live = job.Processes
            .Where(p => p.Pid > 0)
            .OrderBy(p => Array.IndexOf(Order, p.Kind) is var i && i < 0 ? Order.Length : i)
            .ToList();
        for (var i = 0; i < live.Count; i++)
        {
            var p = live[i];
            if (i == 0)
            {
                line.Append(p.Kind is "main" or "pre-start" or "post-stop"
                    ? $", process {p.Pid}"
                    : $", ({p.Kind}) process {p.Pid}");
            }
            else
            {
                line.Append($"\n\t{p.Kind} process {p.Pid}");
            }
        }

        if (job.NextRespawn is { } due)
        {
            line.Append("\n\trespawn due ")
                .Append(due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        return line.ToString();
    }
}
