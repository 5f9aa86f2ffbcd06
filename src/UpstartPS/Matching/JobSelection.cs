using UpstartPS.Protocol.Messages;

namespace UpstartPS.Matching;

/// <summary>
/// Picks jobs out of the daemon's list by the names a user gave, with Get-Service's rules: a wildcard
/// that matches nothing is silent; a literal name that matches nothing is reported in NotFound, and a
/// literal instance that no job of a literal name has is reported in MissingInstances.
/// A literal prefers an exact (case-sensitive, as job files on Linux are) match, and falls back to a
/// case-insensitive one. Results keep the daemon's order and never repeat an entry.
/// </summary>
public static class JobSelection
{
    public static SelectionResult Select(
        IReadOnlyList<JobInfo> jobs,
        IEnumerable<string>? names,
        string? instance = null,
        IEnumerable<string>? states = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var patterns = (names ?? ["*"]).Select(NamePattern.Parse).ToList();
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
        if (pattern.IsWildcard)
        {
            return jobs.Where(j => pattern.IsMatch(j.Name));
        }

        var exact = jobs.Where(j => string.Equals(j.Name, pattern.Literal, StringComparison.Ordinal)).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        // Only a unique case-insensitive name is taken: "Web" must not silently pick one of "web" and "WEB".
        var folded = jobs.Where(j => pattern.IsMatch(j.Name)).ToList();
        return folded.Select(j => j.Name).Distinct(StringComparer.Ordinal).Count() == 1 ? folded : [];
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
