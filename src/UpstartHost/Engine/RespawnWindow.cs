using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Upstart's job_process_catch_runaway (UPSTART.md §c.2): a fixed window of INTERVAL seconds opened by the
/// first respawn; respawns inside it are counted and once the count exceeds COUNT the job is "respawning
/// too fast". Whole seconds of a monotonic clock, as Upstart compares tv_sec.
/// </summary>
public sealed class RespawnWindow
{
    /// <summary>Whole seconds at which the current window opened; long.MinValue before any respawn.</summary>
    public long OpenedAt { get; private set; } = long.MinValue;

    /// <summary>Respawns counted in the current window.</summary>
    public int Count { get; private set; }

    /// <summary>Counts one respawn at <paramref name="nowSeconds"/>; true when it exceeds the limit.</summary>
    public bool IsRunaway(RespawnLimit limit, long nowSeconds)
    {
        if (limit.IsUnlimited)
        {
            return false;
        }

        if (OpenedAt != long.MinValue && nowSeconds - OpenedAt < limit.IntervalSeconds)
        {
            Count++;
            return Count > limit.Count;
        }

        OpenedAt = nowSeconds;
        Count = 1;
        return false;
    }

    /// <summary>Sets the window directly (tests: "N respawns already counted in a window opened T seconds ago").</summary>
    public void Seed(int count, long openedAt)
    {
        Count = count;
        OpenedAt = openedAt;
    }
}
