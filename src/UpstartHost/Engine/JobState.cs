namespace UpstartHost.Engine;

/// <summary>
/// Where an instance is in its life (UPSTART.md §c), in the order a start walks through them. Upstart
/// 1.13's transient "-ing" states (pre-starting, spawning…) are where a job waits for a child's exec to
/// be confirmed; here that wait is a per-pid "spawn pending" mark in the engine (the pid is known and
/// shown, the state is the process's own), cleared by ProcessSpawned or ProcessSpawnFailed, so the
/// states `initctl status` prints are unchanged.
/// </summary>
public enum JobState
{
    Waiting,
    Starting,
    Security,
    PreStart,
    Spawned,
    PostStart,
    Running,
    PreStop,
    Stopping,
    Killed,
    PostStop,
}

public static class JobStateNames
{
    /// <summary>The word `initctl status` prints: waiting, pre-start, post-stop…</summary>
    public static string ToUpstartName(this JobState state) => state switch
    {
        JobState.Waiting => "waiting",
        JobState.Starting => "starting",
        JobState.Security => "security",
        JobState.PreStart => "pre-start",
        JobState.Spawned => "spawned",
        JobState.PostStart => "post-start",
        JobState.Running => "running",
        JobState.PreStop => "pre-stop",
        JobState.Stopping => "stopping",
        JobState.Killed => "killed",
        JobState.PostStop => "post-stop",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string name, out JobState state)
    {
        foreach (var s in Enum.GetValues<JobState>())
        {
            if (s.ToUpstartName() == name)
            {
                state = s;
                return true;
            }
        }

        state = default;
        return false;
    }
}
