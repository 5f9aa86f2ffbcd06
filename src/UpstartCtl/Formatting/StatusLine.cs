using System.Globalization;
using System.Text;
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
        var line = new StringBuilder(64);
        Append(line, job);
        return line.ToString();
    }

    /// <summary>
    /// Appends <paramref name="job"/>'s status text to <paramref name="line"/>, as <see cref="Format"/> returns it.
    /// `list` reuses one builder for every job: no string, sorted copy or enumerator per piece, which for a
    /// thousand jobs was a third of the command's page faults (docs/performance.md).
    /// </summary>
    public static void Append(StringBuilder line, JobInfo job)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(job);
        line.Append(job.Name);
        if (!job.HasInstance)
        {
            line.Append(" stop/waiting").Append(DisabledMark(job));
            return;
        }

        if (job.Instance.Length > 0)
        {
            line.Append(" (").Append(job.Instance).Append(')');
        }

        line.Append(' ').Append(job.Goal).Append('/').Append(job.State);

        // Live processes in Order's order, kinds it does not name last, each rank in the daemon's order.
        // Indexed, not foreach: enumerating the interface would allocate an enumerator per pass.
        var processes = job.Processes;
        var first = true;
        for (var rank = 0; rank <= Order.Length; rank++)
        {
            for (var i = 0; i < processes.Count; i++)
            {
                var p = processes[i];
                if (p.Pid <= 0 || Rank(p.Kind) != rank)
                {
                    continue;
                }

                if (first)
                {
                    if (p.Kind is "main" or "pre-start" or "post-stop")
                    {
                        line.Append(", process ").Append(p.Pid);
                    }
                    else
                    {
                        line.Append(", (").Append(p.Kind).Append(") process ").Append(p.Pid);
                    }

                    line.Append(DisabledMark(job));
                    first = false;
                }
                else
                {
                    line.Append("\n\t").Append(p.Kind).Append(" process ").Append(p.Pid);
                }
            }
        }

        if (first)
        {
            line.Append(DisabledMark(job));
        }

        if (job.NextRespawn is { } due)
        {
            line.Append("\n\trespawn due ")
                .Append(due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
    }

    private static int Rank(string kind)
    {
        var i = Array.IndexOf(Order, kind);
        return i < 0 ? Order.Length : i;
    }

    private static string DisabledMark(JobInfo job) => job.Disabled ? DisabledSuffix : "";
}
