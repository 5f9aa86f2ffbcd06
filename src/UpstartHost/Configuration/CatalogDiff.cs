using System.Collections.Immutable;
using System.Security.Cryptography;
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
        var changed = after.Jobs.Keys
            .Where(k => before.Jobs.ContainsKey(k)
                && (!beforePrints.TryGetValue(k, out var a) || !afterPrints.TryGetValue(k, out var b) || a != b))
            .Order(StringComparer.Ordinal)
            .ToImmutableArray();
        return new CatalogDiff(added, changed, removed);
    }

    /// <summary>
    /// A job's identity on disk: its paths and the SHA-256 of its .conf and .override bytes. Parsed
    /// records hold immutable arrays, which compare by reference, so the files are the honest comparison
    /// (and what Upstart's inotify reload compares too: a touched-but-unchanged file is no change).
    /// </summary>
    public static string Fingerprint(JobClassConfig job)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in new[] { job.SourcePath, job.OverridePath })
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes((path ?? "-") + "\0"));
            if (path is not null)
            {
                try
                {
                    hash.AppendData(File.ReadAllBytes(path));
                }
                catch (IOException)
                {
                    hash.AppendData("unreadable"u8);
                }
                catch (UnauthorizedAccessException)
                {
                    hash.AppendData("unreadable"u8);
                }
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public static ImmutableDictionary<string, string> Fingerprints(JobCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Jobs.ToImmutableDictionary(kv => kv.Key, kv => Fingerprint(kv.Value), StringComparer.Ordinal);
    }
}
