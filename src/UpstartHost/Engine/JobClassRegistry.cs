using Upstart.JobFiles.Events;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// The loaded job classes by name and the index of the events each listens to (Upstart's job_classes
/// hash). A changed or deleted class takes effect once its last instance has stopped (UPSTART.md §0);
/// until then the old definition stays in charge, `start on` included, as Upstart keeps the old class
/// registered. Engine thread only.
/// </summary>
internal sealed class JobClassRegistry
{
    private readonly Dictionary<string, JobClass> _classes = new(StringComparer.Ordinal);
    private readonly EventSubscriptionIndex<JobClass> _subscriptions = new(ReferenceEqualityComparer.Instance);

    public int Count => _classes.Count;

    /// <summary>Live instances of every class, counted from the classes themselves.</summary>
    public int InstanceCount
    {
        get
        {
            var count = 0;
            foreach (var jobClass in _classes.Values)
            {
                count += jobClass.Instances.Count;
            }

            return count;
        }
    }

    /// <summary>Every class, in no particular order.</summary>
    public IEnumerable<JobClass> All => _classes.Values;

    public bool TryGet(string name, out JobClass jobClass) => _classes.TryGetValue(name, out jobClass!);

    /// <summary>The classes whose `start on` or `stop on` names the event; unrelated classes cost nothing.</summary>
    public IReadOnlyList<JobClass> SubscribersOf(string eventName) => _subscriptions.SubscribersOf(eventName);

    public void ApplyCatalog(JobCatalog catalog)
    {
        foreach (var (name, config) in catalog.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
        {
            if (config.Name != name)
            {
                continue;
            }

            if (!_classes.TryGetValue(name, out var existing))
            {
                Register(new JobClass(config));
                continue;
            }

            // Value equality: the daemon hands over the same parsed definition for an unchanged file, or a
            // copy of it that differs in nothing (admin state masks `start on` with a fresh `with` copy).
            if (existing.Config.Equals(config))
            {
                existing.Deleted = false;
                existing.PendingConfig = null;
                continue;
            }

            existing.Deleted = false;
            existing.PendingConfig = config;
            if (existing.Instances.Count == 0)
            {
                Reconsider(existing);
            }
        }

        foreach (var existing in _classes.Values.ToArray())
        {
            if (catalog.Jobs.ContainsKey(existing.Name))
            {
                continue;
            }

            existing.Deleted = true;
            existing.PendingConfig = null;
            if (existing.Instances.Count == 0)
            {
                Reconsider(existing);
            }
        }
    }

    /// <summary>Adds or replaces one class (for tests and single-file reloads).</summary>
    public void ApplyConfig(JobClassConfig config)
    {
        if (_classes.TryGetValue(config.Name, out var existing))
        {
            existing.Deleted = false;
            existing.PendingConfig = config;
            if (existing.Instances.Count == 0)
            {
                Reconsider(existing);
            }

            return;
        }

        Register(new JobClass(config));
    }

    /// <summary>job_class_reconsider: with no instances left, a pending definition or deletion takes effect.</summary>
    public void Reconsider(JobClass jobClass)
    {
        if (jobClass.Instances.Count > 0)
        {
            return;
        }

        if (jobClass.Deleted)
        {
            Unregister(jobClass);
            return;
        }

        if (jobClass.PendingConfig is JobClassConfig pending)
        {
            Unregister(jobClass);
            Register(new JobClass(pending));
        }
    }

    private void Register(JobClass jobClass)
    {
        _classes[jobClass.Name] = jobClass;
        _subscriptions.AddNames(jobClass, jobClass.EventNames());
    }

    private void Unregister(JobClass jobClass)
    {
        // Events held by a partly matched `start on` are let go with the class.
        if (jobClass.StartCondition is { } condition)
        {
            EventHolds.Reset(condition);
        }

        _subscriptions.Remove(jobClass);
        if (_classes.TryGetValue(jobClass.Name, out var current) && current == jobClass)
        {
            _classes.Remove(jobClass.Name);
        }
    }
}
