namespace UpstartHost.Engine;

/// <summary>The state to enter next and the goal to hold while doing so.</summary>
public readonly record struct StateStep(JobState State, JobGoal Goal);

/// <summary>
/// Upstart's job_next_state as one pure function of (state, goal) — UPSTART.md §c.1. The only input
/// beyond the pair is whether a main process is alive, which decides between pre-stop and stopping when a
/// running job is told to stop. A goal of respawn is turned back into start on the way to stopping.
/// </summary>
public static class StateTable
{
    /// <summary>
    /// The next step, or null for the cells Upstart never reaches (it asserts there): waiting with goal
    /// stop (the instance is destroyed instead) and respawn outside post-start and pre-stop.
    /// </summary>
    public static StateStep? Next(JobState state, JobGoal goal, bool mainAlive)
    {
        if (goal == JobGoal.Respawn)
        {
            // Respawn is only ever set while post-start or pre-stop is still running (§c.2).
            return state is JobState.PostStart or JobState.PreStop
                ? new StateStep(JobState.Stopping, JobGoal.Start)
                : null;
        }

        var start = goal == JobGoal.Start;
        JobState? next = state switch
        {
            JobState.Waiting => start ? JobState.Starting : null,
            JobState.Starting => start ? JobState.Security : JobState.Stopping,
            JobState.Security => start ? JobState.PreStart : JobState.Stopping,
            JobState.PreStart => start ? JobState.Spawned : JobState.Stopping,
            JobState.Spawned => start ? JobState.PostStart : JobState.Stopping,
            JobState.PostStart => start ? JobState.Running : JobState.Stopping,

            // init(5): with goal start a running job only moves on when its main process died (respawn path).
            JobState.Running => start ? JobState.Stopping : mainAlive ? JobState.PreStop : JobState.Stopping,

            // A start during pre-stop cancels the stop.
            JobState.PreStop => start ? JobState.Running : JobState.Stopping,
            JobState.Stopping => JobState.Killed,
            JobState.Killed => JobState.PostStop,

            // A goal of start here is a restart (or respawn): round again without reaching waiting.
            JobState.PostStop => start ? JobState.Starting : JobState.Waiting,
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };

        return next is { } n ? new StateStep(n, goal) : null;
    }
}
