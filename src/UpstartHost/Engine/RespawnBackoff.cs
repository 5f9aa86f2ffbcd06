using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Beyond Upstart: one instance's respawn back-off (docs/engine.md "Respawn back-off"). It remembers when
/// the main process started and the last wait, plans the next wait when a respawn is decided, and holds
/// the timer of the wait in progress. Pure bookkeeping; the engine decides when to wait and when to stop.
/// </summary>
internal sealed class RespawnBackoff
{
    /// <summary>Longer than any <see cref="RespawnDelay.StayedUp"/> (MAX is at most a day).</summary>
    private static readonly TimeSpan MaxMainAge = RespawnDelay.Limit * 2;

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

    /// <summary>
    /// For the runtime state (<see cref="BackoffRecord"/>); null when nothing would change the next wait
    /// (no wait yet: the next one is INITIAL whatever happened before).
    /// </summary>
    public BackoffRecord? Save(TimeSpan now, DateTimeOffset utcNow)
    {
        if (_lastDelay <= TimeSpan.Zero)
        {
            return null;
        }

        DateTimeOffset? mainStarted = _mainStartedAt == TimeSpan.MinValue ? null : utcNow - (now - _mainStartedAt);
        return new BackoffRecord(_lastDelay, Planned > TimeSpan.Zero, mainStarted, Due);
    }

    /// <summary>
    /// Takes up a back-off an earlier daemon recorded (<see cref="Save"/>), as of <paramref name="now"/>
    /// (monotonic) and <paramref name="utcNow"/>. The wait in progress is not begun here: the engine does
    /// that once the instance is back (<see cref="BackoffRecord.DueUtc"/>).
    /// </summary>
    public void Resume(BackoffRecord saved, TimeSpan now, DateTimeOffset utcNow)
    {
        _lastDelay = saved.LastDelay;
        Planned = saved.Planned ? saved.LastDelay : TimeSpan.Zero;
        if (saved.MainStartedUtc is { } started)
        {
            // A start in the future (the wall clock went back) is a start now; a very old one has stayed up
            // by any measure, and the cap keeps the subtraction far from TimeSpan's range.
            var age = utcNow - started;
            age = age < TimeSpan.Zero ? TimeSpan.Zero : age > MaxMainAge ? MaxMainAge : age;
            _mainStartedAt = now - age;
        }
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
