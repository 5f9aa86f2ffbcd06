using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>What `initctl status` and `list` show of a class or an instance, taken on the engine thread.</summary>
internal static class JobSnapshots
{
    /// <summary>A class with no instance shows as stop/waiting (initctl list), with the failure that left it there.</summary>
    public static JobSnapshot OfClass(JobClass jobClass) => OfClass(jobClass.Config, "", jobClass.LastFailure, jobClass.LastEnded);

    /// <summary>A class with no instance shows as stop/waiting (initctl list).</summary>
    public static JobSnapshot OfClass(JobClassConfig config, string instance = "", JobFailure? lastFailure = null, DateTimeOffset? since = null) =>
        new(
            config.Name,
            instance,
            JobGoal.Stop,
            JobState.Waiting,
            [],
            config.Description,
            config.StartOn?.ToString(),
            config.StopOn?.ToString(),
            config.Task,
            0,
            lastFailure,
            config.SourcePath,
            false,
            Since: since);

    public static JobSnapshot Of(JobInstance instance)
    {
        if (instance.Destroyed)
        {
            return OfClass(instance.Config, instance.Name, instance.Failure, instance.Since);
        }

        var processes = new List<ProcessSnapshot>();
        foreach (var kind in StatusOrder)
        {
            if (instance.IsAlive(kind))
            {
                processes.Add(new ProcessSnapshot(kind, instance.Pid(kind)));
            }
        }

        var config = instance.Config;
        return new JobSnapshot(
            config.Name,
            instance.Name,
            instance.Goal,
            instance.State,
            processes,
            config.Description,
            config.StartOn?.ToString(),
            config.StopOn?.ToString(),
            config.Task,
            instance.Respawns.Count,
            instance.Failure,
            config.SourcePath,
            true,
            instance.Class.PendingConfig is not null || instance.Class.Deleted,
            instance.Backoff.Due,
            instance.Since);
    }

    /// <summary>
    /// True when <see cref="Of"/> would show <paramref name="instance"/> as <paramref name="snapshot"/>, made of
    /// it earlier, shows it: every field <see cref="Of"/> reads that can change during an instance's life
    /// (its name and definition cannot). Keep the two in step. Allocates nothing.
    /// </summary>
    public static bool StillShows(JobSnapshot snapshot, JobInstance instance)
    {
        if (instance.Destroyed
            || snapshot.Goal != instance.Goal
            || snapshot.State != instance.State
            || snapshot.RespawnCount != instance.Respawns.Count
            || !ReferenceEquals(snapshot.LastFailure, instance.Failure)
            || snapshot.ConfigChanged != (instance.Class.PendingConfig is not null || instance.Class.Deleted)
            || snapshot.NextRespawn != instance.Backoff.Due
            || snapshot.Since != instance.Since)
        {
            return false;
        }

        var shown = snapshot.Processes;
        var next = 0;
        foreach (var kind in StatusOrder)
        {
            if (!instance.IsAlive(kind))
            {
                continue;
            }

            if (next == shown.Count || shown[next].Kind != kind || shown[next].Pid != instance.Pid(kind))
            {
                return false;
            }

            next++;
        }

        return next == shown.Count;
    }

    /// <summary>initctl's status line lists main first, then the others in run order.</summary>
    private static readonly ProcessKind[] StatusOrder =
    [
        ProcessKind.Main, ProcessKind.Security, ProcessKind.PreStart, ProcessKind.PostStart,
        ProcessKind.PreStop, ProcessKind.PostStop, ProcessKind.PreRestart,
    ];
}
