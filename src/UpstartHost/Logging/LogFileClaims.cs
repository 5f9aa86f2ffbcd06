using System.Runtime.CompilerServices;
using Upstart.JobFiles.Loading;

namespace UpstartHost.Logging;

/// <summary>
/// Which loaded jobs' logs a file name can be. Upstart names a log `job-instance.log` ('/' as '_'), and job names
/// may hold '-', so one name can be several jobs' (issue: job `web` instance `admin` read root job `web-admin`'s log):
/// `a-b-c.log` is job `a-b-c`'s log, job `a-b`'s instance `c` and job `a`'s instance `b-c`. A job without an
/// `instance` stanza claims only its own name. The owner of a name is the claimant whose job name is the longest
/// (a job's own log before any instance of a shorter job; ties by ordinal order of the names), so an ordinary job
/// keeps Upstart's name whatever instance names other jobs are given.
/// </summary>
public sealed class LogFileClaims
{
    private static readonly ConditionalWeakTable<JobCatalog, LogFileClaims> Cache = [];

    /// <summary>Job names by the name their log files start with ('/' as '_'), each with whether it has instances.</summary>
    private readonly Dictionary<string, List<(string Job, bool HasInstances)>> byBase = new(StringComparer.Ordinal);

    public LogFileClaims(IEnumerable<(string Job, bool HasInstances)> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        foreach (var (job, hasInstances) in jobs)
        {
            var key = job.Replace('/', '_');
            if (!byBase.TryGetValue(key, out var list))
            {
                byBase[key] = list = [];
            }

            list.Add((job, hasInstances));
        }
    }

    public static LogFileClaims None { get; } = new([]);

    /// <summary>The claims of a catalog's jobs, made once per catalog (catalogs are immutable).</summary>
    public static LogFileClaims Of(JobCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Cache.GetValue(catalog, c => new LogFileClaims(c.Jobs.Select(j => (j.Key, j.Value.Instance.Length > 0))));
    }

    /// <summary>Every loaded job one of whose instances' logs is named <paramref name="fileBase"/> (".log" left off).</summary>
    public IEnumerable<string> ClaimantsOf(string fileBase) => ClaimsOf(fileBase).Select(c => c.Job);

    /// <summary>The job whose log <paramref name="fileBase"/> is, or null when no loaded job's log can be named so.</summary>
    public string? Owner(string fileBase)
    {
        string? owner = null;
        var ownerLength = -1;
        foreach (var (job, length) in ClaimsOf(fileBase))
        {
            if (length > ownerLength || (length == ownerLength && string.CompareOrdinal(job, owner) < 0))
            {
                owner = job;
                ownerLength = length;
            }
        }

        return owner;
    }

    private IEnumerable<(string Job, int Length)> ClaimsOf(string fileBase)
    {
        ArgumentNullException.ThrowIfNull(fileBase);
        if (byBase.TryGetValue(fileBase, out var whole))
        {
            foreach (var (job, _) in whole)
            {
                yield return (job, fileBase.Length);
            }
        }

        for (var dash = fileBase.IndexOf('-', StringComparison.Ordinal); dash >= 0; dash = fileBase.IndexOf('-', dash + 1))
        {
            if (byBase.TryGetValue(fileBase[..dash], out var prefixed))
            {
                foreach (var (job, hasInstances) in prefixed)
                {
                    if (hasInstances)
                    {
                        yield return (job, dash);
                    }
                }
            }
        }
    }
}
