using System.Collections.Immutable;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace UpstartHost.Configuration;

/// <summary>What reload-configuration adds, changes and removes: jobs compared by name and by the bytes of their files.</summary>
public sealed record CatalogDiff(ImmutableArray<string> Added, ImmutableArray<string> Changed, ImmutableArray<string> Removed)
{
    public bool IsEmpty => Added.IsEmpty && Changed.IsEmpty && Removed.IsEmpty;

    public static CatalogDiff Between(JobCatalog before, JobCatalog after, IReadOnlyDictionary<string, string> beforePrints, IReadOnlyDictionary<string, string> afterPrints)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(beforePrints);
        ArgumentNullException.ThrowIfNull(afterPrints);
        var added = after.Jobs.Keys.Where(k => !before.Jobs.ContainsKey(k)).Order(StringComparer.Ordinal).ToImmutableArray();
        var removed = before.Jobs.Keys.Where(k => !after.Jobs.ContainsKey(k)).Order(StringComparer.Ordinal).ToImmutableArray();
        // Fingerprints are taken by the loader as it reads (JobCatalog.Fingerprints): nothing is read again.
        var changed = after.Jobs.Keys
            .Where(k => before.Jobs.ContainsKey(k)
                && beforePrints.GetValueOrDefault(k, "") != afterPrints.GetValueOrDefault(k, ""))
            .Order(StringComparer.Ordinal)
            .ToImmutableArray();
        return new CatalogDiff(added, changed, removed);
    }
}
