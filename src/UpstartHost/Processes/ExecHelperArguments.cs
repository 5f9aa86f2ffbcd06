using System.Globalization;
using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// The argv for native/upstart-exec: one option per setting (never a shell string), then `--` and the
/// job's own argv. See the usage line at the top of upstart-exec.c.
/// </summary>
internal static class ExecHelperArguments
{
    /// <summary>The fd the helper reports failures on (dup2'd there by the daemon, close-on-exec in the helper).</summary>
    public const int ErrorFd = 3;

    /// <param name="cgroup">The job instance's cgroup v2 directory for the helper to join first; null for none.</param>
    /// <param name="keepWorkingDirectory">
    /// Without `chdir`, stay in the daemon's working directory rather than go to `/` (a session daemon, as Upstart's
    /// user mode, which calls chdir only for a job that sets one).
    /// </param>
    public static List<string> For(
        JobClassConfig config, ProcessCommand command, bool consoleOwner, out List<string> limitNames, string? cgroup = null, bool keepWorkingDirectory = false)
    {
        var argv = new List<string> { "upstart-exec", "-e", ErrorFd.ToString(CultureInfo.InvariantCulture) };
        AddIfSet(argv, "-c", cgroup);
        if (consoleOwner)
        {
            argv.Add("-t");
        }

        argv.Add("-m");
        argv.Add("0" + Convert.ToString(config.Umask & 0x1ff, 8));

        if (config.Nice is { } nice)
        {
            argv.Add("-n");
            argv.Add(nice.ToString(CultureInfo.InvariantCulture));
        }

        // Upstart writes oom_score_adj only when the job sets one; 0 inherits the daemon's.
        if (config.OomScore != 0)
        {
            argv.Add("-o");
            argv.Add(config.OomScore.ToString(CultureInfo.InvariantCulture));
        }

        limitNames = [];
        foreach (var (kind, limit) in config.Limits.OrderBy(l => l.Key))
        {
            var name = kind.ToString().ToLowerInvariant();
            limitNames.Add(name);
            argv.Add("-l");
            argv.Add(name + ":" + LimitValue(limit.Soft) + ":" + LimitValue(limit.Hard));
        }

        AddIfSet(argv, "-r", config.Chroot);
        // The helper's default is `/`; "." keeps the directory the child inherited (after a `chroot`, as Upstart's
        // user mode, the one outside the new root).
        AddIfSet(argv, "-d", string.IsNullOrEmpty(config.Chdir) && keepWorkingDirectory ? "." : config.Chdir);
        AddIfSet(argv, "-u", config.Setuid);
        AddIfSet(argv, "-g", config.Setgid);

        if (command.ScriptText is not null)
        {
            argv.Add("-k");
            argv.Add(ProcessCommand.ScriptFd.ToString(CultureInfo.InvariantCulture));
        }

        argv.Add("--");
        argv.AddRange(command.Argv);
        return argv;
    }

    /// <summary>
    /// Whether the job's processes must run the helper program rather than the spawn library, whose child
    /// shares the daemon's memory until it execs: when it names a user or group (`setuid`, `setgid`: the
    /// lookup goes through NSS, which that child cannot call) or sets an oom score (the kernel applies a
    /// write to oom_score_adj to every process sharing the writer's memory, so it would change the daemon's).
    /// </summary>
    public static bool NeedsHelperProgram(JobClassConfig config) =>
        !string.IsNullOrEmpty(config.Setuid) || !string.IsNullOrEmpty(config.Setgid) || config.OomScore != 0;

    private static string LimitValue(ulong value) =>
        value == ResourceLimit.Infinity ? "unlimited" : value.ToString(CultureInfo.InvariantCulture);

    private static void AddIfSet(List<string> argv, string option, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            argv.Add(option);
            argv.Add(value);
        }
    }
}
