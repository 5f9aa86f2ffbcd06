using System.Text;
using UpstartHost.Processes.Cgroups;

namespace UpstartPS.TestSupport;

/// <summary>
/// What a stopped daemon must not leave behind, found and then cleaned up so one failing test does not leak into
/// the next: live processes carrying the fixture's marker (its jobs, or a daemon that never exited), and the
/// daemon's job cgroups — `CGROUP/upstartps.HASH` with its `j-JOB/i-INSTANCE.TAG` directories, which a daemon
/// that exits cleanly removes (see JobCgroups). The daemon made its directory in its own cgroup, which is this
/// process's (it inherited it), named after its control socket; a host.json `cgroupRoot` elsewhere is not looked at.
/// </summary>
public static class DaemonLeftovers
{
    private static readonly TimeSpan KillPatience = TimeSpan.FromSeconds(10);

    /// <summary>The job-cgroup directory a daemon on <paramref name="socketPath"/> uses, or null without cgroup v2.</summary>
    public static string? CgroupDirectory(string socketPath) =>
        CgroupLocation.OfThisProcess(out _) is { } own ? Path.Combine(own, CgroupNames.ForDaemon(socketPath)) : null;

    /// <summary>A description of everything left (empty when nothing was), after killing and removing it.</summary>
    public static async Task<string> CollectAsync(string marker, string socketPath)
    {
        var report = new StringBuilder();
        var processes = ProcScan.WithEnvironment(marker);
        foreach (var pid in processes)
        {
            report.AppendLine($"process {pid} ({ProcScan.Read(pid)?.Comm}) carrying {marker}");
            Posix.Kill(pid, 9);
        }

        if (CgroupDirectory(socketPath) is { } directory && Directory.Exists(directory))
        {
            var cgroups = Directory.GetDirectories(directory, "*", SearchOption.AllDirectories);
            report.AppendLine(cgroups.Length == 0
                ? $"job cgroup directory {directory} (empty)"
                : $"job cgroups under {directory}: {string.Join(", ", cgroups.Select(c => Describe(directory, c)))}");
            await RemoveAsync(directory);
        }

        return report.ToString();
    }

    private static string Describe(string directory, string cgroup)
    {
        var relative = Path.GetRelativePath(directory, cgroup);
        var procs = File.Exists(Path.Combine(cgroup, "cgroup.procs")) ? File.ReadAllText(Path.Combine(cgroup, "cgroup.procs")).Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
        return procs.Length == 0 ? relative + " (no process)" : $"{relative} (pids {string.Join(' ', procs)})";
    }

    /// <summary>cgroup.kill on the whole tree, then rmdir from the leaves up once the kernel has let the processes go.</summary>
    private static async Task RemoveAsync(string directory)
    {
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "cgroup.kill"), "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No cgroup.kill (an old kernel): the processes were signalled by marker already.
        }

        var deadline = DateTime.UtcNow + KillPatience;
        foreach (var cgroup in Directory.GetDirectories(directory, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(directory))
        {
            while (!CgroupFiles.TryRemove(cgroup) && DateTime.UtcNow < deadline)
            {
                // rmdir answers EBUSY until the last killed process has exited: there is no event for that here.
                await Task.Delay(20);
            }
        }
    }
}
