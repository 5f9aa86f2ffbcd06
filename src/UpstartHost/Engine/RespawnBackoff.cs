using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Beyond Upstart: one instance's respawn back-off (docs/engine.md "Respawn back-off"). It remembers when
/// the main process started and the last wait, plans the next wait when a respawn is decided, and holds
/// the timer of the wait in progress. Pure bookkeeping; the engine decides when to wait and when to stop.
/// </summary>
internal sealed class RespawnBackoff
{
    private TimeSpan _mainStartedAt = TimeSpan.MinValue;
    private TimeSpan _lastDelay;

    /// <summary>The wait planned for the respawn under way; zero when it starts at once (Upstart).</summary>
    public TimeSpan Planned { get; private set; }

    /// <summary>The wait in progress, or null.</summary>
    public IDisposable? Timer { get; private set; }

    /// <summary>Wall-clock time the next attempt is due while waiting (status, JobInfo.NextRespawn).</summary>
    public DateTimeOffset? Due { get; private set; }

    public bool IsWaiting => Timer is not null;

    /// <summary>A main process was spawned at <paramref name="now"/> (monotonic).</summary>
    public void MainStarted(TimeSpan now) => _mainStartedAt = now;

    /// <summary>
    /// The main process died at <paramref name="now"/> and will be respawned: the wait is INITIAL after a
    /// run of at least <see cref="RespawnDelay.StayedUp"/> (or the first time), else the last wait doubled,
    /// capped at MAX. Returns the planned wait.
    /// </summary>
    public TimeSpan Plan(RespawnDelay delay, TimeSpan now)
    {
        if (delay.IsNone)
        {
            _lastDelay = TimeSpan.Zero;
            Planned = TimeSpan.Zero;
            return Planned;
        }

        var stayedUp = _mainStartedAt != TimeSpan.MinValue && now - _mainStartedAt >= delay.StayedUp;
        Planned = delay.After(stayedUp ? TimeSpan.Zero : _lastDelay);
        _lastDelay = Planned;
        return Planned;
    }

    /// <summary>The planned wait has begun; <paramref name="timer"/> ends it.</summary>
    public void Begin(IDisposable timer, DateTimeOffset due)
    {
        Timer = timer;
        Due = due;
    }

    /// <summary>The wait ended (due, cancelled) or the plan was dropped: nothing pending any more.</summary>
    public void Clear()
    {
        Timer?.Dispose();
        Timer = null;
        Due = null;
        Planned = TimeSpan.Zero;
    }
}
