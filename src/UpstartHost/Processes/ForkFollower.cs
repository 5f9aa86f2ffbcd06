namespace UpstartHost.Processes;

/// <summary>
/// `expect fork` and `expect daemon` without ptrace (UPSTART.md §a.2). The daemon is a child subreaper,
/// so when the followed process exits 0 after forking, its children are reparented to us at that
/// instant (the kernel reparents before it reports the exit). The new main process is chosen among our
/// children that nobody owns yet, forked no earlier than the spawned process, and whose session or
/// process group was started by a process of the chain (the spawned process, or an intermediate that
/// called setsid after we saw it), or that lead a session of their own (a daemon's setsid). Forks seen
/// are counted by the generations visible: a parent's exit reveals one generation, or two when the
/// intermediate has already exited too (it is then a zombie whose child was reparented as well).
/// Only when that finds nothing, and the job runs in its own cgroup, a child in that cgroup is taken
/// whatever its session: dpkg's `start-stop-daemon --start --background` (first parent, setsid'd
/// intermediate, daemon) reaps the intermediate in the first parent, so nothing else ties the daemon to the
/// job. Its session and group were made by that intermediate, never seen, so it counts as two forks, as
/// Upstart's ptrace counted them. Anything the usual rule finds is decided as before, so the cgroup never
/// changes which process a daemon that forks visibly is followed to.
/// </summary>
internal static class ForkFollower
{
    /// <summary>What to do after the followed process exited with status 0.</summary>
    public abstract record Decision;

    /// <summary>The daemon is found: announce it as the main pid.</summary>
    public sealed record Ready(ProcStat Main) : Decision;

    /// <summary>One more generation to go (expect daemon after the first fork): follow this process.</summary>
    public sealed record Follow(ProcStat Next) : Decision;

    /// <summary>No child left behind: the main process simply exited 0.</summary>
    public sealed record Exited : Decision;

    /// <param name="inJobCgroup">
    /// Reads the pids in the job instance's cgroup, only when the usual rule finds no child (a file read, not needed
    /// for the forks most daemons make); null when the job has no cgroup.
    /// </param>
    public static Decision Decide(TrackedProcess tracked, IEnumerable<ProcStat> orphans, Func<IReadOnlySet<int>>? inJobCgroup = null)
    {
        var candidates = Candidates(tracked, orphans, c => BelongsToJob(c, tracked));
        var hiddenGenerations = 0;
        if (candidates.Count == 0 && inJobCgroup is not null)
        {
            var pids = inJobCgroup();
            candidates = Candidates(tracked, orphans, c => pids.Contains(c.Pid));
            hiddenGenerations = candidates.Any(c => ForkedByAReapedIntermediate(c, tracked)) ? 1 : 0;
        }

        if (candidates.Count == 0)
        {
            return new Exited();
        }

        if (candidates.Count + hiddenGenerations >= tracked.ForksLeft)
        {
            var alive = candidates.LastOrDefault(c => !c.IsZombie);
            return new Ready(alive == default ? candidates[^1] : alive);
        }

        return new Follow(candidates[0]);
    }

    private static List<ProcStat> Candidates(TrackedProcess tracked, IEnumerable<ProcStat> orphans, Func<ProcStat, bool> ofTheJob) =>
        orphans
            .Where(c => c.StartTime >= tracked.StartTime && ofTheJob(c))
            .OrderBy(c => c.StartTime)
            .ThenBy(c => c.Pid)
            .ToList();

    private static bool BelongsToJob(ProcStat candidate, TrackedProcess tracked) =>
        tracked.Lineage.Contains(candidate.Session)
        || tracked.Lineage.Contains(candidate.ProcessGroup)
        || candidate.Session == candidate.Pid;

    /// <summary>
    /// Session and group started by a process that is neither in the chain nor the candidate itself: an
    /// intermediate we never saw (reaped by its parent, a process of the job) made them, one generation up.
    /// </summary>
    private static bool ForkedByAReapedIntermediate(ProcStat candidate, TrackedProcess tracked) =>
        !tracked.Lineage.Contains(candidate.Session)
        && !tracked.Lineage.Contains(candidate.ProcessGroup)
        && candidate.Session != candidate.Pid
        && candidate.ProcessGroup != candidate.Pid;
}
