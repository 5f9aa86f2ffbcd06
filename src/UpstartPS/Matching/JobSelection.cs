using UpstartPS.Protocol.Messages;

namespace UpstartPS.Matching;

/// <summary>
/// Picks jobs out of the daemon's list by the names a user gave, with Get-Service's rules: a wildcard
/// that matches nothing is silent; a literal name that matches nothing is reported in NotFound, and a
/// literal instance that no job of a literal name has is reported in MissingInstances.
/// A literal prefers an exact (case-sensitive, as job files on Linux are) match, and falls back to a
/// case-insensitive one. -Include and -Exclude then qualify what the names selected (<see cref="JobNameFilter"/>):
/// a job they leave out is dropped silently, even one named literally. Results keep the daemon's order and
/// never repeat an entry.
/// </summary>
public static class JobSelection
{
    public static SelectionResult Select(
        IReadOnlyList<JobInfo> jobs,
        IEnumerable<string>? names,
        string? instance = null,
        IEnumerable<string>? states = null,
        IEnumerable<string>? include = null,
        IEnumerable<string>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var patterns = (names ?? ["*"]).Select(NamePattern.Parse).ToList();
        var filter = include is null && exclude is null ? null : new JobNameFilter(include, exclude, jobs.Select(j => j.Name));
        var instancePattern = instance is null ? null : NamePattern.Parse(instance);
        var stateSet = states?.ToHashSet(StringComparer.OrdinalIgnoreCase);

        var selected = new List<JobInfo>();
        var seen = new HashSet<(string, string)>();
        var notFound = new List<string>();
        var missingInstances = new List<MissingInstance>();
        foreach (var pattern in patterns)
        {
            var byName = NameMatches(jobs, pattern).ToList();
            if (byName.Count == 0 && !pattern.IsWildcard)
            {
                notFound.Add(pattern.Literal);
                continue;
            }

            // Found, then left out by -Include/-Exclude: silent, as Get-Service is (its instances are not asked about either).
            if (filter is not null)
            {
                byName = byName.Where(j => filter.Admits(j.Name)).ToList();
                if (byName.Count == 0)
                {
                    continue;
                }
            }

            // Get-Service's rule carried to instances: `worker -Instance gamma` names one thing, and it is not there.
            if (instancePattern is { IsWildcard: false } && !pattern.IsWildcard && !byName.Any(j => InstanceMatches(instancePattern, j)))
            {
                missingInstances.Add(new MissingInstance(byName[0].Name, instancePattern.Literal));
                continue;
            }

            foreach (var job in byName)
            {
                if (instancePattern is not null && !InstanceMatches(instancePattern, job))
                {
                    continue;
                }

                if (stateSet is not null && !stateSet.Contains(job.State))
                {
                    continue;
                }

                if (seen.Add((job.Name, job.Instance)))
                {
                    selected.Add(job);
                }
            }
        }

        return new SelectionResult(selected, notFound) { MissingInstances = missingInstances };
    }

    private static IEnumerable<JobInfo> NameMatches(IReadOnlyList<JobInfo> jobs, NamePattern pattern)
    {
        var picked = pattern.Pick(jobs.Select(j => j.Name)).ToHashSet(StringComparer.Ordinal);
        return jobs.Where(j => picked.Contains(j.Name));
    }

    private static bool InstanceMatches(NamePattern pattern, JobInfo job) =>
        pattern.IsWildcard
            ? job.HasInstance && pattern.IsMatch(job.Instance)
            : string.Equals(job.Instance, pattern.Literal, StringComparison.Ordinal);
}

/// <summary>The selected job instances, the literal names that matched nothing, and the literal instances that were not there.</summary>
public sealed record SelectionResult(IReadOnlyList<JobInfo> Jobs, IReadOnlyList<string> NotFound)
{
    public IReadOnlyList<MissingInstance> MissingInstances { get; init; } = [];
}

/// <summary>A literal -Instance that the job (named literally) does not have.</summary>
public sealed record MissingInstance(string Job, string Instance);
