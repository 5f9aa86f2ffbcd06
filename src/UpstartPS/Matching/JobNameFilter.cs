namespace UpstartPS.Matching;

/// <summary>
/// -Include and -Exclude, as Get-Service has them: they qualify what -Name (or -InputObject) selected, and
/// are matched against the same thing -Name is, the job name; not the instance (-Instance selects those) nor
/// the description. A pattern designates the jobs the same pattern given to -Name would select
/// (<see cref="NamePattern.Pick"/>): a wildcard matches ignoring case; a literal names the job spelled exactly
/// so, else the one job that matches ignoring case. A job passes when some -Include pattern designates it
/// (or there is no -Include) and no -Exclude pattern does. A filter pattern that designates nothing is never
/// an error, and a job that -Name named literally but the filter leaves out is not reported: Get-Service's rules.
/// </summary>
public sealed class JobNameFilter
{
    private readonly HashSet<string>? _included;
    private readonly HashSet<string> _excluded;

    /// <param name="include">-Include; null for none (every job passes it).</param>
    /// <param name="exclude">-Exclude; null for none.</param>
    /// <param name="knownNames">
    /// Every job name the filter will be asked about (the daemon's list, and any piped in): a literal pattern
    /// is resolved among them, as -Name resolves it among the daemon's jobs. A name not among them is designated
    /// by no pattern.
    /// </param>
    public JobNameFilter(IEnumerable<string>? include, IEnumerable<string>? exclude, IEnumerable<string> knownNames)
    {
        ArgumentNullException.ThrowIfNull(knownNames);
        var known = knownNames.Distinct(StringComparer.Ordinal).ToList();
        _included = include is null ? null : Designated(include, known);
        _excluded = exclude is null ? [] : Designated(exclude, known);
    }

    /// <summary>True when the job named <paramref name="jobName"/> is kept.</summary>
    public bool Admits(string jobName)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        return (_included is null || _included.Contains(jobName)) && !_excluded.Contains(jobName);
    }

    private static HashSet<string> Designated(IEnumerable<string> patterns, List<string> known) =>
        patterns.SelectMany(p => NamePattern.Parse(p).Pick(known)).ToHashSet(StringComparer.Ordinal);
}
