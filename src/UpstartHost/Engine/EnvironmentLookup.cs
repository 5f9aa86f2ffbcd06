using System.Diagnostics.CodeAnalysis;

namespace UpstartHost.Engine;

/// <summary>
/// A job environment ("KEY=VALUE" strings) read as a table without copying it. Each instance used to keep a
/// dictionary of its own key and value substrings beside the list, about 4 KiB per instance with a
/// 45-variable session environment, for lookups that happen only when an event is offered to a `stop on`
/// naming a $VAR or when an `export` is applied (docs/performance.md). A lookup scans the list from the end,
/// so a repeated KEY reads its last value, as the dictionary built in order did.
/// </summary>
internal sealed class EnvironmentLookup(IReadOnlyList<string> entries) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => this.Select(e => e.Key);

    public IEnumerable<string> Values => this.Select(e => e.Value);

    public int Count => Table().Count;

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i];
            if (entry.Length > key.Length && entry[key.Length] == '=' && entry.StartsWith(key, StringComparison.Ordinal))
            {
                value = entry[(key.Length + 1)..];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => Table().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    // Enumeration and Count are for completeness (nothing in the engine walks the table): built on demand.
    private Dictionary<string, string> Table()
    {
        var builder = new Upstart.JobFiles.Events.EnvironmentBuilder();
        builder.AppendEntries(entries);
        return builder.ToDictionary();
    }
}
