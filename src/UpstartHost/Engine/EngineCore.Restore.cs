using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Engine;

/// <summary>
/// Resuming the instances an earlier daemon left (docs/daemon.md, "Restarting the daemon"): each comes
/// back in its goal and state with its environment and respawn window, its live processes adopted, and
/// the ones that ended while no daemon watched handled as exits. No start event or `start on` runs for
/// them again.
/// </summary>
internal sealed partial class EngineCore
{
    /// <summary>
    /// Rebuilds instances from <paramref name="records"/>. <paramref name="adopt"/> watches one recorded
    /// process and answers false when it is gone or the pid now names another process (a different start
    /// time): that process is treated as having exited. <paramref name="earlier"/> gives, per job, the
    /// definition its instances ran under where the job file has changed since: it is put back in charge
    /// and the loaded one left pending, as a reload would have left them. <paramref name="awaitStop"/> is asked about
    /// the adopted main process of an instance left in `spawned` by `expect stop`: true when its SIGSTOP will still
    /// be reported (ProcessReady), so the instance goes on waiting for it; otherwise it is taken as ready.
    /// <paramref name="announced"/> runs once every instance has been announced as it stood, before any is moved on.
    /// <paramref name="underWay"/> is what the previous program left under way besides the instances: the events not finished, put
    /// back with their holds, and the requests waiting on instances, waited for in their place, before anything moves
    /// on. Returns how many processes were adopted.
    /// </summary>
    internal int Restore(
        IReadOnlyList<InstanceRecord> records,
        long recordAgeSeconds,
        Func<ProcessRecord, bool> adopt,
        IReadOnlyDictionary<string, EarlierDefinition>? earlier = null,
        Func<int, bool>? awaitStop = null,
        Action? announced = null,
        WorkUnderWay? underWay = null)
    {
        var reinstalled = new List<JobClass>();
        foreach (var (_, definition) in earlier ?? new Dictionary<string, EarlierDefinition>())
        {
            reinstalled.Add(_registry.InstallEarlier(definition.Config, definition.Fingerprint));
        }

        var now = (long)Math.Floor(_clock.Monotonic.TotalSeconds);
        var adopted = 0;
        var resumed = new List<(JobInstance Instance, List<(ProcessKind Kind, int Pid)> Gone, DateTimeOffset? RespawnDue)>();
        foreach (var record in records)
        {
            if (!_registry.TryGet(record.Job, out var jobClass))
            {
                EngineLog.NotResumedNoJob(_logger, record.Job, record.Processes.Count);
                continue;
            }

            if (record.State == JobState.Waiting || jobClass.Instances.ContainsKey(record.Instance))
            {
                continue;
            }

            // A changed job file whose earlier definition was kept runs under that one (installed above);
            // otherwise the instance carries on under the definition loaded now.
            var instance = GetOrCreateInstance(jobClass, record.Instance);
            instance.Environment = [.. record.Environment];
            instance.StopEnvironment = record.StopEnvironment is { } stop ? [.. stop] : null;
            instance.Goal = record.Goal;
            instance.State = record.State;

            // A time ahead of the clock (set back since) is taken as now: "running since" is never in the future.
            instance.Since = record.SinceUtc is { } since && since <= _clock.UtcNow ? since : _clock.UtcNow;
            instance.MainWasKilled = record.MainWasKilled;
            if (record.RespawnWindowAgeSeconds is { } age)
            {
                instance.Respawns.Seed(record.RespawnCount, now - age - recordAgeSeconds);
            }

            if (record.Backoff is { } backoff)
            {
                instance.Backoff.Resume(backoff, _clock.Monotonic, _clock.UtcNow);
            }

            if (record.Cgroup is { } cgroup)
            {
                // Before anything can finish the instance: its end must kill what its processes left behind.
                _processes.ResumeCgroup(jobClass.Config.Name, record.Instance, cgroup);
            }

            var gone = new List<(ProcessKind Kind, int Pid)>();
            foreach (var process in record.Processes)
            {
                if (process.Pid > 1 && instance.Pid(process.Kind) == 0 && adopt(process))
                {
                    _processTable.AddConfirmed(instance, process.Kind, process.Pid);
                    adopted++;
                }
                else
                {
                    gone.Add((process.Kind, process.Pid));
                }
            }

            resumed.Add((instance, gone, record.Backoff?.DueUtc));
            NotifyInstance(instance, NotificationKind.State);
        }

        // Before anything moves: an instance in starting or stopping waits for its event again, and what the requests
        // handed over wait for is watched from the start.
        RestoreEvents((underWay ?? WorkUnderWay.None).Events);
        RestoreRequestWaits((underWay ?? WorkUnderWay.None).Waits);

        // Each instance's state as it stood is announced above; what follows are changes (watchers back from a
        // re-exec get those, not the announcements: WatchHub.BeginReplay).
        announced?.Invoke();

        // Only once every instance is back: moving one on may emit events that others react to.
        foreach (var (instance, gone, respawnDue) in resumed)
        {
            try
            {
                CarryOn(instance, gone, respawnDue, awaitStop);
            }
#pragma warning disable CA1031 // One odd record must not stop the others from resuming.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EngineLog.ResumeFailed(_logger, ex, instance.DisplayName);
            }
        }

        // A class put back for instances that did not come back (or have ended already) goes on to its file's definition.
        foreach (var jobClass in reinstalled)
        {
            _registry.Reconsider(jobClass);
        }

        return adopted;
    }

    /// <summary>A pidfd saw an adopted process end: handled as an exit whose status is unknown (reported as 0).</summary>
    private void OnProcessGone(int pid)
    {
        if (!_processTable.TryRemoveExited(pid, out var instance, out var kind))
        {
            return;
        }

        var process = kind.ToUpstartName();
        EngineLog.AdoptedProcessEnded(_logger, instance.DisplayName, process, pid);
        EmitExitOfUnknownStatus(instance, kind, pid);
        Terminated(instance, kind, 0);
    }

    /// <summary>
    /// process-exited for a process whose status only its new parent learnt (DESIGN.md: an event for every process
    /// exit, so an alert on a service's death is not lost to a daemon crash); before the job reacts, as for a reaped one.
    /// </summary>
    private void EmitExitOfUnknownStatus(JobInstance instance, ProcessKind kind, int pid)
    {
        if (_options.EmitProcessEvents)
        {
            Emit(JobEvents.ProcessExited, JobEvents.ProcessExitedEnvironment(instance.Config.Name, instance.Name, kind, pid, status: null));
        }
    }

    /// <summary>
    /// Picks up where the earlier daemon stopped: processes that ended meanwhile are exits (respawn rules
    /// apply); a state that waited on an event or a process no longer there moves on; a kill in progress
    /// gets its signal and its kill timeout again; a respawn that was waiting out its back-off waits out what
    /// was left of it.
    /// </summary>
    private void CarryOn(JobInstance instance, List<(ProcessKind Kind, int Pid)> gone, DateTimeOffset? respawnDue, Func<int, bool>? awaitStop)
    {
        foreach (var (kind, pid) in gone)
        {
            if (!instance.Destroyed)
            {
                EngineLog.EndedWhileUnwatched(_logger, instance.DisplayName, kind.ToUpstartName());
                EmitExitOfUnknownStatus(instance, kind, pid);
                Terminated(instance, kind, 0);
            }
        }

        if (instance.Destroyed || gone.Count > 0)
        {
            return;
        }

        if (respawnDue is { } due && instance.State == JobState.PostStop && instance.Goal == JobGoal.Start
            && !instance.IsAlive(ProcessKind.PostStop))
        {
            ResumeRespawnWait(instance, due);
            return;
        }

        switch (instance.State)
        {
            case JobState.Killed when instance.MainAlive:
                Kill(instance);
                break;
            case JobState.Running when instance.Goal == JobGoal.Start && instance.Config.HasMain && !instance.MainAlive:
                Terminated(instance, ProcessKind.Main, 0);
                break;
            case JobState.Running when instance.Goal == JobGoal.Start:
            case JobState.Security when instance.IsAlive(ProcessKind.Security):
            case JobState.PreStart when instance.IsAlive(ProcessKind.PreStart):
            case JobState.PostStart when instance.IsAlive(ProcessKind.PostStart):
            case JobState.PreStop when instance.IsAlive(ProcessKind.PreStop):
            case JobState.PostStop when instance.IsAlive(ProcessKind.PostStop):
                // Waiting for a live process, as before: its exit moves the instance on.
                break;
            case JobState.Starting or JobState.Stopping when instance.Blocker is not null:
                // Its starting or stopping event came back with the re-exec: it finishes as before, and moves it on.
                break;
            case JobState.Spawned when instance.Config.Expect == ExpectMode.Stop && instance.MainAlive
                                       && awaitStop?.Invoke(instance.Pid(ProcessKind.Main)) == true:
                // Waiting for the main process to raise SIGSTOP, as before: its stop will be reported.
                break;
            default:
                // Starting and stopping waited on an event the earlier daemon took with it (a crash); spawned waited
                // for expect, whose chain it was following: the recorded main process is taken as ready.
                ChangeState(instance, NextState(instance));
                break;
        }
    }
}
