using Microsoft.Extensions.Logging;

namespace UpstartHost.Processes.Cgroups;

/// <summary>
/// The job cgroups an earlier daemon left in this daemon's directory (after a crash or a re-exec; docs/processes.md,
/// "Across a daemon restart"): the resumed instances take theirs back, and what no instance took back is removed.
/// </summary>
public sealed partial class JobCgroups
{
    /// <summary>
    /// Takes over the cgroup an earlier daemon (crashed, or this process before a re-exec) recorded for the instance,
    /// so its end and the daemon's exit kill what is left in it. The record is only trusted as far as it names a
    /// cgroup this daemon could have made for this very instance, and that cgroup still exists: anything else is
    /// refused and logged, and the instance gets a fresh cgroup at its next spawn.
    /// </summary>
    public void Resume(string job, string instance, string path)
    {
        if (Directory is null)
        {
            return;
        }

        if (!IsInstanceCgroup(Directory, job, instance, path) || !System.IO.Directory.Exists(path))
        {
            LogResumeRefused(logger, job, path);
            return;
        }

        lock (gate)
        {
            var full = Path.GetFullPath(path);
            if (live.TryAdd((job, instance), full))
            {
                Hold(full);
            }
        }
    }

    /// <summary>
    /// True when <paramref name="path"/> is `DIRECTORY/j-JOB/i-INSTANCE.TAG` for this job and instance, as
    /// <see cref="Enter"/> makes them: a recorded path that leads elsewhere (`..`, another job's cgroup, the
    /// daemon's own directory, any other cgroup of the machine) would have a later stop kill what is not the job's.
    /// </summary>
    internal static bool IsInstanceCgroup(string directory, string job, string instance, string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var name = Path.GetFileName(full);
        var prefix = CgroupNames.ForInstance(instance, "");
        return Path.IsPathFullyQualified(path)
            && Path.GetDirectoryName(full) == Path.Combine(Path.GetFullPath(directory), CgroupNames.ForJob(job))
            && name.Length > prefix.Length
            && name.StartsWith(prefix, StringComparison.Ordinal)
            && !name.AsSpan(prefix.Length).ContainsAnyExcept(TagCharacters);
    }

    /// <summary>
    /// Once the instances an earlier daemon left are resumed (after a crash or a re-exec): removes, deepest first, the
    /// instance cgroups under this daemon's directory that no resumed instance took back — an instance that ended
    /// while no daemon ran, one whose record was lost, one whose job file is gone — and then the job directories left
    /// empty. A cgroup that still holds processes is not removed and its processes are not killed: they belong to no
    /// job now, and a restart must not change what runs (the earlier daemon would have let them run until its exit,
    /// as it does what a finished task started). They are named in a warning and killed with everything else at the
    /// daemon's exit (<see cref="KillAllAsync"/>). Returns how many cgroups were removed.
    /// </summary>
    public int RemoveUnclaimed()
    {
        if (Directory is null)
        {
            return 0;
        }

        var removed = 0;

        // Under the gate: Enter makes a new instance's cgroup under it too, and that one is empty until its process joins.
        lock (gate)
        {
            var claimed = new HashSet<string>(live.Values, StringComparer.Ordinal);
            claimed.UnionWith(releasing);
            foreach (var jobDirectory in CgroupFiles.Subdirectories(Directory, CgroupNames.JobPrefix))
            {
                foreach (var instanceDirectory in CgroupFiles.Subdirectories(jobDirectory, CgroupNames.InstancePrefix))
                {
                    if (claimed.Contains(instanceDirectory))
                    {
                        continue;
                    }

                    if (CgroupFiles.TryRemove(instanceDirectory))
                    {
                        removed++;
                    }
                    else
                    {
                        LogUnclaimedLeftRunning(logger, instanceDirectory, CgroupFiles.ProcessCount(instanceDirectory));
                    }
                }

                // rmdir refuses a directory that still has an instance in it: only an empty one goes.
                CgroupFiles.TryRemove(jobDirectory);
            }
        }

        if (removed > 0)
        {
            LogUnclaimedRemoved(logger, removed);
        }

        return removed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job}: not resuming the recorded cgroup {Path}: it is not one this daemon makes for that instance, or it is gone")]
    private static partial void LogResumeRefused(ILogger logger, string job, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} job cgroups that no resumed instance took back")]
    private static partial void LogUnclaimedRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job cgroup {Path} holds {Count} processes that no resumed instance took back: they are left running unsupervised, and the daemon's exit kills them")]
    private static partial void LogUnclaimedLeftRunning(ILogger logger, string path, int count);
}
