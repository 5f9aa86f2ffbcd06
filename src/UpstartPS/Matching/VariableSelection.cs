namespace UpstartPS.Matching;

/// <summary>
/// Picks variables out of a job environment table (list-env's VAR=VALUE entries) by the names a user gave, with
/// -Name's rules everywhere in the module (<see cref="NamePattern"/>): a wildcard that matches nothing is
/// silent; a literal name that matches nothing is reported in NotFound; a literal prefers the name spelled
/// exactly so (environment names are case-sensitive) and falls back to the one name that matches ignoring
/// case. The result is sorted by name (ordinal, as initctl list-env sorts) and never repeats a variable.
/// </summary>
public static class VariableSelection
{
    public static VariableSelectionResult Select(IEnumerable<string> entries, IEnumerable<string>? names)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var (name, value) = Split(entry);
            table.TryAdd(name, value);
        }

        var selected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var notFound = new List<string>();
        foreach (var pattern in (names ?? ["*"]).Select(NamePattern.Parse))
        {
            var picked = pattern.Pick(table.Keys);
            if (picked.Count == 0 && !pattern.IsWildcard)
            {
                notFound.Add(pattern.Literal);
            }

            foreach (var name in picked)
            {
                selected[name] = table[name];
            }
        }

        return new VariableSelectionResult(selected.Select(p => (p.Key, p.Value)).ToList(), notFound);
    }

    /// <summary>VAR=VALUE split at the first `=`; an entry without one is a variable with the empty value (set-env's bare VAR).</summary>
    public static (string Name, string Value) Split(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (entry, "") : (entry[..eq], entry[(eq + 1)..]);
    }
}

/// <summary>The selected variables (sorted by name) and the literal names that matched nothing.</summary>
public sealed record VariableSelectionResult(IReadOnlyList<(string Name, string Value)> Variables, IReadOnlyList<string> NotFound);
