using System.Globalization;
using Microsoft.Extensions.Logging;

namespace UpstartHost.Processes.Cgroups;

/// <summary>
/// Whole-job cleanup (issue 12 item 14). Upstart signals a job's process group, so a child that calls setsid
/// escaped every stop and the daemon's exit. Where the kernel offers cgroup v2 with `cgroup.kill` (Linux 5.14)
/// and the daemon may create cgroups, each job instance runs in its own cgroup,
/// `ROOT/upstartps.HASH/j-JOB/i-INSTANCE.TAG`: the exec helper moves itself there before it execs (so every
/// descendant is born inside, with no window), and when the instance has finished — its main process gone,
/// post-stop done, after any kill timeout — whatever is left in it is killed with `cgroup.kill` and the cgroup
/// removed. <see cref="KillAllAsync"/> does the same for every job when the daemon exits after stopping its jobs.
/// Where any of that is not available the daemon says why once at start and runs as before.
/// </summary>
public sealed partial class JobCgroups
{
    private static readonly TimeSpan RemovalPatience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RemovalRetry = TimeSpan.FromMilliseconds(20);

    /// <summary>What an incarnation tag (`PID-COUNTER`) is made of.</summary>
    private static readonly System.Buffers.SearchValues<char> TagCharacters = System.Buffers.SearchValues.Create("0123456789-");

    private readonly Dictionary<(string Job, string Instance), string> live = [];

    /// <summary>Cgroups of finished instances being killed and removed (<see cref="Release"/>): still this daemon's.</summary>
    private readonly HashSet<string> releasing = new(StringComparer.Ordinal);

    /// <summary>
    /// How many cgroups of <see cref="live"/> and <see cref="releasing"/> each job directory (`j-JOB`) holds, so the
    /// end of an instance knows whether its job's directory may go without looking at every other job's.
    /// </summary>
    private readonly Dictionary<string, int> jobDirectoryUse = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private readonly ILogger logger;
    private readonly string tag = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    private long generation;
    private int enterFailureReported;

    /// <summary>Job cgroups in <paramref name="directory"/> as it is (tests use a plain directory tree).</summary>
    internal JobCgroups(string? directory, ILogger logger)
    {
        // One spelling of every path: the claimed cgroups are told apart from leftovers by comparing paths.
        Directory = directory is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        this.logger = logger;
    }

    /// <summary>The daemon's cgroup directory, or null when job cgroups are not in use.</summary>
    public string? Directory { get; }

    public bool Available => Directory is not null;

    /// <summary>Job cgroups off: every call does nothing.</summary>
    public static JobCgroups None(ILogger logger) => new(null, logger);

    /// <summary>Finds (or creates) the daemon's cgroup directory; logs once why job cgroups are not available.</summary>
    public static JobCgroups Create(JobCgroupOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (!options.Enabled)
        {
            LogTurnedOff(logger);
            return None(logger);
        }

        var directory = TryCreateDirectory(options, out var reason);
        if (directory is null)
        {
            LogUnavailable(logger, reason!);
            return None(logger);
        }

        LogAvailable(logger, directory);
        return new JobCgroups(directory, logger);
    }

    /// <summary>
    /// The cgroup a process of this instance is to join (created on first use, kept across respawns until
    /// <see cref="Release"/>), or null to run it without one (job cgroups off, or the directory could not be made).
    /// </summary>
    public string? Enter(string job, string instance)
    {
        if (Directory is null)
        {
            return null;
        }

        lock (gate)
        {
            if (live.TryGetValue((job, instance), out var existing))
            {
                return existing;
            }

            // A fresh directory per incarnation (pid and counter): a new instance of the same name never joins,
            // or is removed with, the one being cleaned up. A re-exec'd daemon has the same pid and counts
            // afresh, so a name still taken (an inherited cgroup, one with leftovers let go) is skipped.
            string path;
            do
            {
                path = Path.Combine(Directory, CgroupNames.ForJob(job), CgroupNames.ForInstance(instance, tag + "-" + (++generation).ToString(CultureInfo.InvariantCulture)));
            }
            while (System.IO.Directory.Exists(path));

            try
            {
                System.IO.Directory.CreateDirectory(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (Interlocked.Exchange(ref enterFailureReported, 1) == 0)
                {
                    LogEnterFailed(logger, path, e.Message);
                }

                return null;
            }

            live[(job, instance)] = path;
            Hold(path);
            return path;
        }
    }

    /// <summary>The cgroup the instance's processes join now, or null (none yet, or job cgroups off).</summary>
    public string? PathOf(string job, string instance)
    {
        lock (gate)
        {
            return live.GetValueOrDefault((job, instance));
        }
    }

    /// <summary>The instance has finished: kill whatever of it is left (escaped by setsid or not) and remove its cgroup.</summary>
    public void Release(string job, string instance)
    {
        string? path;
        lock (gate)
        {
            if (!live.Remove((job, instance), out path))
            {
                return;
            }

            releasing.Add(path);
        }

        CgroupFiles.Kill(path);
        _ = RemoveWhenEmptyAsync(path);
    }

    /// <summary>
    /// Forgets an instance whose main process ended by itself: what it left running stays running (Upstart's
    /// behaviour), in a cgroup removed now if it is empty, or at the daemon's exit.
    /// </summary>
    public void LetGo(string job, string instance)
    {
        string? path;
        lock (gate)
        {
            if (!live.Remove((job, instance), out path))
            {
                return;
            }

            Drop(path);
        }

        if (CgroupFiles.TryRemove(path))
        {
            lock (gate)
            {
                RemoveJobDirectoryIfUnused(path);
            }
        }
    }

    /// <summary>
    /// Kills every process in every job cgroup and removes them all. Only for an exit that stops the jobs: a
    /// re-exec hands running jobs over and must not call it (their cgroups stay where they are, and the new
    /// daemon, having the same control socket, uses the same directory).
    /// </summary>
    public async Task KillAllAsync()
    {
        if (Directory is null)
        {
            return;
        }

        lock (gate)
        {
            live.Clear();
            jobDirectoryUse.Clear();
            foreach (var path in releasing)
            {
                Hold(path);
            }
        }

        CgroupFiles.Kill(Directory);
        var deadline = DateTime.UtcNow + RemovalPatience;
        while (CgroupFiles.IsPopulated(Directory) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(RemovalRetry).ConfigureAwait(false);
        }

        foreach (var jobDirectory in CgroupFiles.Subdirectories(Directory, ""))
        {
            foreach (var instanceDirectory in CgroupFiles.Subdirectories(jobDirectory, ""))
            {
                CgroupFiles.TryRemove(instanceDirectory);
            }

            CgroupFiles.TryRemove(jobDirectory);
        }

        if (!CgroupFiles.TryRemove(Directory))
        {
            LogNotRemoved(logger, Directory);
        }
    }

    private static string? TryCreateDirectory(JobCgroupOptions options, out string? reason)
    {
        reason = null;
        var root = options.Root ?? CgroupLocation.OfThisProcess(out reason);
        if (root is null)
        {
            reason ??= "no cgroup v2 directory";
            return null;
        }

        if (!File.Exists(Path.Combine(root, "cgroup.controllers")))
        {
            reason = $"{root} is not a cgroup v2 directory";
            return null;
        }

        var directory = Path.Combine(root, CgroupNames.ForDaemon(options.SocketPath));
        var existed = System.IO.Directory.Exists(directory);
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"cannot create {directory}: {e.Message}";
            return null;
        }

        if (!File.Exists(Path.Combine(directory, "cgroup.kill")))
        {
            if (!existed)
            {
                CgroupFiles.TryRemove(directory);
            }

            reason = "the kernel has no cgroup.kill (Linux 5.14 or later is needed)";
            return null;
        }

        reason = null;
        return directory;
    }

    private async Task RemoveWhenEmptyAsync(string path)
    {
        // cgroup.kill is asynchronous: rmdir answers EBUSY until the last process has exited.
        var deadline = DateTime.UtcNow + RemovalPatience;
        while (!CgroupFiles.TryRemove(path))
        {
            if (DateTime.UtcNow > deadline)
            {
                LogNotRemoved(logger, path);
                break;
            }

            await Task.Delay(RemovalRetry).ConfigureAwait(false);
        }

        lock (gate)
        {
            releasing.Remove(path);
            Drop(path);
            RemoveJobDirectoryIfUnused(path);
        }
    }

    /// <summary>
    /// Once the instance cgroup <paramref name="instancePath"/> is gone: removes its job's directory (`j-JOB`) when
    /// no other cgroup of this daemon's is in it (<see cref="jobDirectoryUse"/>: a count, so an instance's end costs
    /// the same however many jobs run). Before, a job's directory stayed until a re-exec or the exit, so every job
    /// file added and removed over a long run left one empty cgroup behind (the soak in docs/performance.md).
    /// Called under the gate, so <see cref="Enter"/> never makes an instance in a directory being removed; rmdir
    /// refuses one that still holds an instance cgroup (leftovers <see cref="LetGo"/> kept).
    /// </summary>
    private void RemoveJobDirectoryIfUnused(string instancePath)
    {
        if (Path.GetDirectoryName(instancePath) is { } jobDirectory && jobDirectory != Directory && !jobDirectoryUse.ContainsKey(jobDirectory))
        {
            CgroupFiles.TryRemove(jobDirectory);
        }
    }

    /// <summary>Under the gate: <paramref name="instancePath"/> joined <see cref="live"/> or <see cref="releasing"/>.</summary>
    private void Hold(string instancePath)
    {
        if (Path.GetDirectoryName(instancePath) is { } jobDirectory)
        {
            jobDirectoryUse[jobDirectory] = jobDirectoryUse.GetValueOrDefault(jobDirectory) + 1;
        }
    }

    /// <summary>Under the gate: <paramref name="instancePath"/> left both (forgotten, or removed).</summary>
    private void Drop(string instancePath)
    {
        if (Path.GetDirectoryName(instancePath) is { } jobDirectory && jobDirectoryUse.TryGetValue(jobDirectory, out var count))
        {
            if (count > 1)
            {
                jobDirectoryUse[jobDirectory] = count - 1;
            }
            else
            {
                jobDirectoryUse.Remove(jobDirectory);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job cgroups: each job instance runs in its own cgroup under {Directory}")]
    private static partial void LogAvailable(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job cgroups are turned off (host.json jobCgroups): a process that leaves its job's process group survives a stop")]
    private static partial void LogTurnedOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job cgroups unavailable ({Reason}): stops signal process groups only, so a process that calls setsid survives its job's stop")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot create job cgroup {Path} ({Reason}): such processes run without one")]
    private static partial void LogEnterFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job cgroup {Path} could not be removed: processes may remain in it")]
    private static partial void LogNotRemoved(ILogger logger, string path);
}
