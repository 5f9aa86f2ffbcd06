using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Beyond Upstart: the respawn back-off (docs/engine.md "Respawn back-off"). A respawn that has a wait
/// planned goes through stopping, killed and post-stop as Upstart's does, then rests in post-stop with goal
/// start until the wait is over, and only then enters starting. A change of goal (stop, a `stop on`, the
/// daemon's shutdown) cancels the wait at once; `restart` cuts it short.
/// </summary>
internal sealed partial class EngineCore
{
    /// <summary>The job's own `respawn delay`, else the daemon's default (none, unless host.json sets one).</summary>
    private TimeSpan PlanRespawn(JobInstance instance) =>
        instance.Backoff.Plan(instance.Config.RespawnDelay ?? _options.RespawnDelay, _clock.Monotonic);

    /// <summary>
    /// On the way from post-stop to starting: begins the planned wait and returns true (the instance stays
    /// in post-stop), or returns false when there is none and the respawn goes on at once.
    /// </summary>
    private bool TryBeginRespawnWait(JobInstance instance)
    {
        var backoff = instance.Backoff;
        var delay = backoff.Planned;
        if (backoff.IsWaiting || delay <= TimeSpan.Zero || instance.Goal != JobGoal.Start)
        {
            return false;
        }

        StartRespawnTimer(instance, delay);
        EngineLog.RespawnDelayed(_logger, instance.DisplayName, Seconds.Format(delay));
        if (_options.EmitProcessEvents)
        {
            Emit(JobEvents.Respawning, JobEvents.RespawningEnvironment(instance.Config.Name, instance.Name, delay));
        }

        // Watchers and status see the wait (NextRespawn) although the state has not changed.
        NotifyInstance(instance, NotificationKind.State);
        return true;
    }

    /// <summary>
    /// Restore: a wait an earlier daemon began (it recorded when it ends) goes on for the time it had left,
    /// never longer than the wait itself whatever the wall clock did meanwhile; one already due respawns
    /// now. Not announced again: its `respawning` event went out when it began.
    /// </summary>
    private void ResumeRespawnWait(JobInstance instance, DateTimeOffset due)
    {
        var left = due - _clock.UtcNow;
        if (left > instance.Backoff.Planned)
        {
            left = instance.Backoff.Planned;
        }

        if (left <= TimeSpan.Zero)
        {
            RespawnNow(instance);
            return;
        }

        StartRespawnTimer(instance, left);
        EngineLog.RespawnWaitResumed(_logger, instance.DisplayName, Seconds.Format(left));
        NotifyInstance(instance, NotificationKind.State);
    }

    private void StartRespawnTimer(JobInstance instance, TimeSpan delay)
    {
        IDisposable? timer = null;
        timer = _clock.StartTimer(delay, () => _post(() => OnRespawnDue(instance, timer)));
        instance.Backoff.Begin(timer, _clock.UtcNow + delay);
    }

    /// <summary>The wait is over: the respawn goes on into starting, unless the wait was cancelled meanwhile.</summary>
    private void OnRespawnDue(JobInstance instance, IDisposable? timer)
    {
        if (instance.Destroyed || timer is null || !ReferenceEquals(instance.Backoff.Timer, timer))
        {
            return;
        }

        RespawnNow(instance);
    }

    /// <summary>Ends a wait in progress and enters starting now (the wait's end, or `restart`).</summary>
    private void RespawnNow(JobInstance instance)
    {
        instance.Backoff.Clear();
        ChangeState(instance, NextState(instance));
    }

    /// <summary>
    /// A goal change drops any planned or running wait; true when a wait was running, so the caller moves
    /// the instance on (with goal stop: post-stop → waiting, the job stops at once).
    /// </summary>
    private static bool CancelRespawnWait(JobInstance instance)
    {
        var waiting = instance.Backoff.IsWaiting;
        instance.Backoff.Clear();
        return waiting;
    }
}
