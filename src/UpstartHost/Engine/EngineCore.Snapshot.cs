using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>The runtime state a later daemon resumes from (<see cref="InstanceRecord"/>).</summary>
internal sealed partial class EngineCore
{
    private static readonly ProcessKind[] AllKinds = Enum.GetValues<ProcessKind>();
    private long _instanceVersion;

    /// <summary>
    /// Changes whenever a goal, a state or a pid changes: the state writer snapshots only when it moved,
    /// so a busy engine pays for one snapshot per burst, not one per message.
    /// </summary>
    public long StateVersion => _instanceVersion + _processTable.Version;

    /// <summary>Every loaded class, in no particular order (engine thread: <see cref="PublishedStatus"/> copies what it needs).</summary>
    public IEnumerable<JobClass> Classes => _registry.All;

    /// <summary>Every instance that is not simply waiting, as records (engine thread).</summary>
    public IReadOnlyList<InstanceRecord> SnapshotInstances()
    {
        var now = (long)Math.Floor(_clock.Monotonic.TotalSeconds);
        var records = new List<InstanceRecord>(_registry.InstanceCount);
        foreach (var jobClass in _registry.All)
        {
            foreach (var instance in jobClass.Instances.Values)
            {
                if (instance.Destroyed)
                {
                    continue;
                }

                var processes = new List<ProcessRecord>(1);
                foreach (var kind in AllKinds)
                {
                    if (instance.Pid(kind) is var pid and > 0)
                    {
                        processes.Add(new ProcessRecord(kind, pid, 0));
                    }
                }

                var window = instance.Respawns;
                records.Add(new InstanceRecord(
                    instance.Config.Name,
                    instance.Name,
                    instance.Goal,
                    instance.State,
                    processes,
                    window.Count,
                    window.OpenedAt == long.MinValue ? null : now - window.OpenedAt,
                    [.. instance.Environment],
                    instance.StopEnvironment is { } stop ? [.. stop] : null,
                    instance.Backoff.Save(_clock.Monotonic, _clock.UtcNow),
                    _processes.CgroupOf(instance.Config.Name, instance.Name),
                    instance.MainWasKilled,
                    jobClass.Fingerprint));
            }
        }

        return records;
    }
}
