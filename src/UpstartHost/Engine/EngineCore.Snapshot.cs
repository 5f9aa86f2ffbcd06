using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>The runtime state a later daemon resumes from (<see cref="InstanceRecord"/>).</summary>
internal sealed partial class EngineCore
{
    private static readonly ProcessKind[] AllKinds = Enum.GetValues<ProcessKind>();
    private long _instanceVersion;

    /// <summary>
    /// Changes whenever a goal, a state, a pid or an event's holds change: the state writer snapshots only when it moved,
    /// so a busy engine pays for one snapshot per burst, not one per message.
    /// </summary>
    public long StateVersion => _instanceVersion + _processTable.Version + _queue.HoldChanges.Count;

    /// <summary>Every loaded class, in no particular order (engine thread: <see cref="PublishedStatus"/> copies what it needs).</summary>
    public IEnumerable<JobClass> Classes => _registry.All;

    /// <summary>
    /// Every instance that is not simply waiting, as records (engine thread). An instance whose record would
    /// come out the same as in the last snapshot hands over that same record: the state writer keeps each
    /// record's JSON, so a burst that moved one instance of a thousand costs one record and one serialisation,
    /// not a thousand of each (docs/performance.md, "The runtime state: what a transition costs").
    /// </summary>
    public IReadOnlyList<InstanceRecord> SnapshotInstances()
    {
        var now = (long)Math.Floor(_clock.Monotonic.TotalSeconds);
        var records = new List<InstanceRecord>(_registry.InstanceCount);
        foreach (var jobClass in _registry.All)
        {
            foreach (var instance in jobClass.Instances.Values)
            {
                if (!instance.Destroyed)
                {
                    records.Add(RecordOf(instance, jobClass, now));
                }
            }
        }

        return records;
    }

    private InstanceRecord RecordOf(JobInstance instance, JobClass jobClass, long now)
    {
        var window = instance.Respawns;
        long? windowAge = window.OpenedAt == long.MinValue ? null : now - window.OpenedAt;
        var backoff = instance.Backoff.Save(_clock.Monotonic, _clock.UtcNow);
        var cgroup = _processes.CgroupOf(instance.Config.Name, instance.Name);
        if (instance.LastRecord is { } last
            && backoff is null && last.Record.Backoff is null
            && ReferenceEquals(last.Environment, instance.Environment)
            && ReferenceEquals(last.StopEnvironment, instance.StopEnvironment)
            && Unchanged(last.Record, instance, window.Count, windowAge, cgroup, jobClass.Fingerprint))
        {
            return last.Record;
        }

        var processes = new List<ProcessRecord>(1);
        foreach (var kind in AllKinds)
        {
            if (instance.Pid(kind) is var pid and > 0)
            {
                processes.Add(new ProcessRecord(kind, pid, 0));
            }
        }

        var record = new InstanceRecord(
            instance.Config.Name,
            instance.Name,
            instance.Goal,
            instance.State,
            processes,
            window.Count,
            windowAge,
            [.. instance.Environment],
            instance.StopEnvironment is { } stop ? [.. stop] : null,
            backoff,
            cgroup,
            instance.MainWasKilled,
            jobClass.Fingerprint,
            instance.Since);
        instance.LastRecord = (record, instance.Environment, instance.StopEnvironment);
        return record;
    }

    /// <summary>Whether <paramref name="record"/> still says what a new record of the instance would (environments and back-off aside).</summary>
    private static bool Unchanged(InstanceRecord record, JobInstance instance, int respawnCount, long? windowAge, string? cgroup, string? fingerprint)
    {
        if (record.Goal != instance.Goal || record.State != instance.State || record.RespawnCount != respawnCount
            || record.RespawnWindowAgeSeconds != windowAge || record.MainWasKilled != instance.MainWasKilled
            || record.SinceUtc != instance.Since
            || !string.Equals(record.Cgroup, cgroup, StringComparison.Ordinal)
            || !string.Equals(record.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            return false;
        }

        // The record lists the live processes in AllKinds' order.
        var listed = 0;
        foreach (var kind in AllKinds)
        {
            if (instance.Pid(kind) is var pid and > 0)
            {
                if (listed >= record.Processes.Count || record.Processes[listed].Kind != kind || record.Processes[listed].Pid != pid)
                {
                    return false;
                }

                listed++;
            }
        }

        return listed == record.Processes.Count;
    }
}
