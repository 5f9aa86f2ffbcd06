namespace UpstartHost.Engine;

/// <summary>
/// What an instance is trying to reach (UPSTART.md §c). Respawn is internal: it marks a main process that
/// died while post-start or pre-stop was still running, and becomes start again once that process ends.
/// </summary>
public enum JobGoal
{
    Stop,
    Start,
    Respawn,
}

public static class JobGoalNames
{
    /// <summary>The word `initctl status` prints: stop, start, respawn.</summary>
    public static string ToUpstartName(this JobGoal goal) => goal switch
    {
        JobGoal.Stop => "stop",
        JobGoal.Start => "start",
        JobGoal.Respawn => "respawn",
        _ => throw new ArgumentOutOfRangeException(nameof(goal)),
    };

    public static bool TryParse(string name, out JobGoal goal)
    {
        foreach (var g in Enum.GetValues<JobGoal>())
        {
            if (g.ToUpstartName() == name)
            {
                goal = g;
                return true;
            }
        }

        goal = default;
        return false;
    }
}
