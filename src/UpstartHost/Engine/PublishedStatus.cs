using Upstart.JobFiles.Loading;

namespace UpstartHost.Engine;

/// <summary>
/// Every class and instance as status and list show them, taken on the engine thread and never changed
/// after: any thread may read it at once, with no hop to the engine (issue 11). <see cref="Sequence"/> is how
/// many engine messages had been handled when it was taken; <see cref="JobEngine"/> hands it out only while
/// no message has been posted since, so an answer from it is what the engine itself would answer now.
/// </summary>
public sealed class PublishedStatus
{
    private readonly ClassEntry[] _classes;
    private readonly Dictionary<string, ClassEntry> _byName;

    private PublishedStatus(long sequence, ClassEntry[] classes, IReadOnlyList<JobSnapshot> all)
    {
        Sequence = sequence;
        _classes = classes;
        _byName = new Dictionary<string, ClassEntry>(classes.Length, StringComparer.Ordinal);
        foreach (var entry in classes)
        {
            _byName[entry.Name] = entry;
        }

        All = all;
    }

    public long Sequence { get; }

    /// <summary>What <see cref="IEngineControl.ListAsync"/> gives: classes by name, each one's instances by name.</summary>
    public IReadOnlyList<JobSnapshot> All { get; }

    /// <summary>What <see cref="IEngineControl.StatusAsync"/> gives for the same arguments.</summary>
    public IReadOnlyList<JobSnapshot> Status(string namePattern, string? instance)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        if (!JobNamePattern.IsWildcard(namePattern))
        {
            return _byName.TryGetValue(namePattern, out var only) ? only.Select(instance) : [];
        }

        var pattern = new JobNamePattern(namePattern);
        var list = new List<JobSnapshot>();
        foreach (var entry in _classes)
        {
            if (pattern.IsMatch(entry.Name))
            {
                list.AddRange(entry.Select(instance));
            }
        }

        return list;
    }

    /// <summary>Engine thread only: the registry as it is now.</summary>
    internal static PublishedStatus Take(long sequence, IEnumerable<JobClass> registry)
    {
        var classes = new List<ClassEntry>();
        var all = new List<JobSnapshot>();
        foreach (var jobClass in registry)
        {
            classes.Add(ClassEntry.Of(jobClass));
        }

        classes.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var entry in classes)
        {
            all.AddRange(entry.Snapshots);
        }

        return new PublishedStatus(sequence, [.. classes], all);
    }

    /// <summary>One class: its instances sorted by name, or the stop/waiting line of a class with none.</summary>
    private sealed class ClassEntry(string name, JobSnapshot[] snapshots, bool hasInstances)
    {
        public string Name { get; } = name;

        public JobSnapshot[] Snapshots { get; } = snapshots;

        public static ClassEntry Of(JobClass jobClass)
        {
            if (jobClass.Instances.Count == 0)
            {
                return new ClassEntry(jobClass.Name, [JobSnapshots.OfClass(jobClass.Config)], hasInstances: false);
            }

            var snapshots = new JobSnapshot[jobClass.Instances.Count];
            var i = 0;
            foreach (var instance in jobClass.Instances.Values)
            {
                snapshots[i++] = JobSnapshots.Of(instance);
            }

            Array.Sort(snapshots, static (a, b) => string.CompareOrdinal(a.Instance, b.Instance));
            return new ClassEntry(jobClass.Name, snapshots, hasInstances: true);
        }

        /// <summary>As the engine's status: all of them, or the one named (a class with none has only "").</summary>
        public JobSnapshot[] Select(string? instance)
        {
            if (instance is null)
            {
                return Snapshots;
            }

            if (!hasInstances)
            {
                return instance.Length == 0 ? Snapshots : [];
            }

            foreach (var snapshot in Snapshots)
            {
                if (string.Equals(snapshot.Instance, instance, StringComparison.Ordinal))
                {
                    return [snapshot];
                }
            }

            return [];
        }
    }
}
