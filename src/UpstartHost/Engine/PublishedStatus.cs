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
    private readonly Dictionary<string, int> _indexByName;
    private IReadOnlyList<JobSnapshot>? _all;

    private PublishedStatus(long sequence, ClassEntry[] classes, Dictionary<string, int> indexByName, IReadOnlyList<JobSnapshot>? all)
    {
        Sequence = sequence;
        _classes = classes;
        _indexByName = indexByName;
        _all = all;
    }

    public long Sequence { get; }

    /// <summary>
    /// What <see cref="IEngineControl.ListAsync"/> gives: classes by name, each one's instances by name. Made on
    /// first use, by whichever reader asks (two racing readers make equal lists), so that publishing after one
    /// change does not copy every snapshot for a list nobody may ask for.
    /// </summary>
    public IReadOnlyList<JobSnapshot> All => _all ??= Flatten(_classes);

    /// <summary>What <see cref="IEngineControl.StatusAsync"/> gives for the same arguments.</summary>
    public IReadOnlyList<JobSnapshot> Status(string namePattern, string? instance)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        if (!JobNamePattern.IsWildcard(namePattern))
        {
            return _indexByName.TryGetValue(namePattern, out var only) ? _classes[only].Select(instance) : [];
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

    /// <summary>
    /// Engine thread only: the registry as it is now. With <paramref name="previous"/> (the last one taken),
    /// a class whose instances show what they showed then keeps its entry and its snapshots, so publishing
    /// after one respawn among a thousand services makes one snapshot, not a thousand
    /// (docs/performance.md, "Publishing the status: what a change costs"). A class added or gone is a new
    /// layout: everything is taken again.
    /// </summary>
    internal static PublishedStatus Take(long sequence, IEnumerable<JobClass> registry, PublishedStatus? previous = null)
    {
        if (previous is not null && TakeChanges(sequence, registry, previous) is { } updated)
        {
            return updated;
        }

        var classes = new List<ClassEntry>();
        foreach (var jobClass in registry)
        {
            classes.Add(ClassEntry.Of(jobClass));
        }

        classes.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var indexByName = new Dictionary<string, int>(classes.Count, StringComparer.Ordinal);
        for (var i = 0; i < classes.Count; i++)
        {
            indexByName[classes[i].Name] = i;
            classes[i].Class.PublishedIndex = i;
        }

        return new PublishedStatus(sequence, [.. classes], indexByName, all: null);
    }

    /// <summary>The previous layout with the entries of the classes that changed replaced; null when a class came or went.</summary>
    private static PublishedStatus? TakeChanges(long sequence, IEnumerable<JobClass> registry, PublishedStatus previous)
    {
        ClassEntry[]? classes = null;
        var count = 0;
        foreach (var jobClass in registry)
        {
            count++;
            if (!previous.TryFind(jobClass, out var index))
            {
                return null;
            }

            if (!previous._classes[index].Shows(jobClass))
            {
                classes ??= (ClassEntry[])previous._classes.Clone();
                classes[index] = ClassEntry.Of(jobClass, previous._classes[index]);
                jobClass.PublishedIndex = index;
            }
        }

        if (count != previous._classes.Length)
        {
            return null;
        }

        return classes is null
            ? new PublishedStatus(sequence, previous._classes, previous._indexByName, previous._all)
            : new PublishedStatus(sequence, classes, previous._indexByName, all: null);
    }

    /// <summary>
    /// Where this status keeps the entry of <paramref name="jobClass"/>'s name: where the class was put last time
    /// if that entry was made of this same class (no hashing of the name), else by name.
    /// </summary>
    private bool TryFind(JobClass jobClass, out int index)
    {
        index = jobClass.PublishedIndex;
        if ((uint)index < (uint)_classes.Length && ReferenceEquals(_classes[index].Class, jobClass))
        {
            return true;
        }

        return _indexByName.TryGetValue(jobClass.Name, out index);
    }

    private static JobSnapshot[] Flatten(ClassEntry[] classes)
    {
        var total = 0;
        foreach (var entry in classes)
        {
            total += entry.Snapshots.Length;
        }

        var all = new JobSnapshot[total];
        var at = 0;
        foreach (var entry in classes)
        {
            entry.Snapshots.CopyTo(all, at);
            at += entry.Snapshots.Length;
        }

        return all;
    }

    /// <summary>
    /// One class: its instances sorted by name, or the stop/waiting line of a class with none. It remembers
    /// what it was made from (the class's definition, or each instance), for the engine thread alone to ask
    /// whether it still shows them; readers on other threads see only the snapshots.
    /// </summary>
    private sealed class ClassEntry
    {
        private readonly Upstart.JobFiles.Model.JobClassConfig _config;
        private readonly JobInstance[] _instances;

        private ClassEntry(JobClass jobClass, JobInstance[] instances, JobSnapshot[] snapshots)
        {
            Class = jobClass;
            Name = jobClass.Name;
            _config = jobClass.Config;
            _instances = instances;
            Snapshots = snapshots;
        }

        /// <summary>Engine thread only: the class this entry was made of.</summary>
        public JobClass Class { get; }

        public string Name { get; }

        public JobSnapshot[] Snapshots { get; }

        private bool HasInstances => _instances.Length > 0;

        /// <summary>
        /// The class as it is now; an instance that <paramref name="previous"/> (the class's last entry) showed
        /// and still shows keeps its snapshot, so one instance starting among a thousand makes one snapshot.
        /// </summary>
        public static ClassEntry Of(JobClass jobClass, ClassEntry? previous = null)
        {
            if (jobClass.Instances.Count == 0)
            {
                return new ClassEntry(jobClass, [], [JobSnapshots.OfClass(jobClass)]);
            }

            var instances = new JobInstance[jobClass.Instances.Count];
            jobClass.Instances.Values.CopyTo(instances, 0);
            Array.Sort(instances, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            var snapshots = new JobSnapshot[instances.Length];
            for (var i = 0; i < instances.Length; i++)
            {
                snapshots[i] = previous?.SnapshotStillShowing(instances[i]) ?? JobSnapshots.Of(instances[i]);
            }

            return new ClassEntry(jobClass, instances, snapshots);
        }

        /// <summary>Engine thread: true when <see cref="Of"/> would make this same entry of the class now.</summary>
        public bool Shows(JobClass jobClass)
        {
            if (!ReferenceEquals(Class, jobClass) || jobClass.Instances.Count != _instances.Length)
            {
                return false;
            }

            if (!HasInstances)
            {
                return ReferenceEquals(_config, jobClass.Config) && ReferenceEquals(Snapshots[0].LastFailure, jobClass.LastFailure)
                    && Snapshots[0].Since == jobClass.LastEnded;
            }

            for (var i = 0; i < _instances.Length; i++)
            {
                var instance = _instances[i];
                if (!jobClass.Instances.TryGetValue(instance.Name, out var now)
                    || !ReferenceEquals(now, instance)
                    || !JobSnapshots.StillShows(Snapshots[i], instance))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Engine thread: this entry's snapshot of <paramref name="instance"/> if it still shows it, else null.</summary>
        private JobSnapshot? SnapshotStillShowing(JobInstance instance)
        {
            var low = 0;
            var high = _instances.Length - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var order = string.CompareOrdinal(_instances[middle].Name, instance.Name);
                if (order == 0)
                {
                    return ReferenceEquals(_instances[middle], instance) && JobSnapshots.StillShows(Snapshots[middle], instance)
                        ? Snapshots[middle]
                        : null;
                }

                if (order < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            return null;
        }

        /// <summary>As the engine's status: all of them, or the one named (a class with none has only "").</summary>
        public JobSnapshot[] Select(string? instance)
        {
            if (instance is null)
            {
                return Snapshots;
            }

            if (!HasInstances)
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
