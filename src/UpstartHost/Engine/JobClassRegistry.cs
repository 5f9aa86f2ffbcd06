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

    /// <summary>Which loaded jobs each log file name can belong to (<see cref="Logging.LogFileName.Resolve"/>).</summary>
    public Logging.LogFileClaims LogClaims { get; private set; } = Logging.LogFileClaims.None;

    /// <summary>The classes whose `start on` or `stop on` names the event; unrelated classes cost nothing.</summary>
    public IReadOnlyList<JobClass> SubscribersOf(string eventName) => _subscriptions.SubscribersOf(eventName);

    /// <summary>
    /// Jobs an administrator disabled (docs/beyond-upstart.md): no event starts them. The daemon also hands
    /// them over with `start on` removed, but that definition waits, as any changed one, until the running
    /// instances have stopped; meanwhile the `start on` they run under must not start others (a job with
    /// `instance`, or one whose file is gone), so it is not offered events at all.
    /// </summary>
    public bool IsDisabled(string job) => _disabled.Contains(job);

    private IReadOnlySet<string> _disabled = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Loads a whole catalog; <paramref name="disabled"/> (null: as before) are the jobs events must not start.</summary>
    public void ApplyCatalog(JobCatalog catalog, IReadOnlySet<string>? disabled = null)
    {
        if (disabled is not null)
        {
            _disabled = disabled;
            foreach (var jobClass in _classes.Values)
            {
                if (disabled.Contains(jobClass.Name) && jobClass.StartCondition is { } held)
                {
                    // Events a partly matched `start on` holds are let go: it will not complete.
                    EventHolds.Reset(held);
                }
            }
        }

        LogClaims = Logging.LogFileClaims.Of(catalog);
        foreach (var (name, config) in catalog.Jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
        {
            if (config.Name != name)
            {
                continue;
            }

            var print = catalog.Fingerprints.GetValueOrDefault(name);
            if (!_classes.TryGetValue(name, out var existing))
            {
                Register(new JobClass(config, print));
                continue;
            }

            // Value equality: the daemon hands over the same parsed definition for an unchanged file, or a
            // copy of it that differs in nothing (admin state masks `start on` with a fresh `with` copy).
            // A file changed in a way that parses the same is that file now: its fingerprint is the new one.
            if (existing.Config.Equals(config))
            {
                existing.Deleted = false;
                existing.PendingConfig = null;
                existing.PendingFingerprint = null;
                existing.Fingerprint = print;
                continue;
            }

            existing.Deleted = false;
            existing.PendingConfig = config;
            existing.PendingFingerprint = print;
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
            existing.PendingFingerprint = null;
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
            existing.PendingFingerprint = null;
            if (existing.Instances.Count == 0)
            {
                Reconsider(existing);
            }

            return;
        }

        Register(new JobClass(config));
    }

    /// <summary>
    /// Restore (docs/daemon.md, "Restarting the daemon"): the definition an earlier daemon's instance of
    /// <paramref name="config"/>'s job ran under becomes the class's active one, before any instance is
    /// back, and what is loaded now waits as a reload would have left it: pending, or the class deleted
    /// when its file is gone.
    /// </summary>
    public JobClass InstallEarlier(JobClassConfig config, string fingerprint)
    {
        var earlier = new JobClass(config, fingerprint);
        if (_classes.TryGetValue(config.Name, out var current))
        {
            earlier.PendingConfig = current.Config;
            earlier.PendingFingerprint = current.Fingerprint;
            Unregister(current);
        }
        else
        {
            earlier.Deleted = true;
        }

        Register(earlier);
        return earlier;
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
            Register(new JobClass(pending, jobClass.PendingFingerprint) { LastFailure = jobClass.LastFailure, LastEnded = jobClass.LastEnded });
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
