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

    public static Decision Decide(TrackedProcess tracked, IEnumerable<ProcStat> orphans)
    {
        var candidates = orphans
            .Where(c => c.StartTime >= tracked.StartTime && BelongsToJob(c, tracked))
            .OrderBy(c => c.StartTime)
            .ThenBy(c => c.Pid)
            .ToList();
        if (candidates.Count == 0)
        {
            return new Exited();
        }

        if (candidates.Count >= tracked.ForksLeft)
        {
            var alive = candidates.LastOrDefault(c => !c.IsZombie);
            return new Ready(alive == default ? candidates[^1] : alive);
        }

        return new Follow(candidates[0]);
    }

    private static bool BelongsToJob(ProcStat candidate, TrackedProcess tracked) =>
        tracked.Lineage.Contains(candidate.Session)
        || tracked.Lineage.Contains(candidate.ProcessGroup)
        || candidate.Session == candidate.Pid;
}
