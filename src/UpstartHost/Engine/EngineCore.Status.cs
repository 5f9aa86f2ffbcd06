using Upstart.JobFiles.Loading;

namespace UpstartHost.Engine;

/// <summary>status: snapshots only for the classes a name or pattern selects.</summary>
internal sealed partial class EngineCore
{
    /// <summary>
    /// What <see cref="List"/> gives for the matching classes, in the same order. An exact name is one
    /// dictionary lookup; a wildcard scans names only and snapshots just the matches.
    /// </summary>
    public IReadOnlyList<JobSnapshot> Status(string namePattern, string? instance)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        var pattern = new JobNamePattern(namePattern);
        if (!pattern.HasWildcards)
        {
            return _registry.TryGet(namePattern, out var only) ? ClassStatus(only, instance) : [];
        }

        var matches = new List<JobClass>();
        foreach (var jobClass in _registry.All)
        {
            if (pattern.IsMatch(jobClass.Name))
            {
                matches.Add(jobClass);
            }
        }

        matches.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var list = new List<JobSnapshot>();
        foreach (var jobClass in matches)
        {
            list.AddRange(ClassStatus(jobClass, instance));
        }

        return list;
    }

    /// <summary>One class as <see cref="List"/> shows it: its instances by name, or stop/waiting with none.</summary>
    private static List<JobSnapshot> ClassStatus(JobClass jobClass, string? instance)
    {
        if (jobClass.Instances.Count == 0)
        {
            return instance is null or "" ? [JobSnapshots.OfClass(jobClass)] : [];
        }

        if (instance is not null)
        {
            return jobClass.Instances.TryGetValue(instance, out var one) ? [JobSnapshots.Of(one)] : [];
        }

        var list = new List<JobSnapshot>(jobClass.Instances.Count);
        foreach (var i in jobClass.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            list.Add(JobSnapshots.Of(i));
        }

        return list;
    }
}
