using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Loading and replacing job classes (reload-configuration, inotify). A changed or deleted class takes
/// effect once its last instance has stopped (UPSTART.md §0); until then the old definition stays in
/// charge, `start on` included, as Upstart keeps the old class registered.
/// </summary>
internal sealed partial class EngineCore
{
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

    private void Register(JobClass jobClass)
    {
        _classes[jobClass.Name] = jobClass;
        _subscriptions.AddNames(jobClass, jobClass.EventNames());
    }

    /// <summary>job_class_reconsider: with no instances left, a pending definition or deletion takes effect.</summary>
    private void Reconsider(JobClass jobClass)
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

    private void Unregister(JobClass jobClass)
    {
        // Events held by a partly matched `start on` are let go with the class.
        if (jobClass.StartCondition is { } condition)
        {
            ResetCondition(condition);
        }

        _subscriptions.Remove(jobClass);
        if (_classes.TryGetValue(jobClass.Name, out var current) && current == jobClass)
        {
            _classes.Remove(jobClass.Name);
        }
    }
}
