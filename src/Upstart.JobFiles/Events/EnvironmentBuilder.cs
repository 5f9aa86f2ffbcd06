namespace Upstart.JobFiles.Events;

/// <summary>
/// An ordered KEY=VALUE table where setting an existing KEY replaces its value in place (Upstart's
/// environ_add with replace=TRUE). Used for job environments and event environments.
/// </summary>
public sealed class EnvironmentBuilder
{
    private readonly List<KeyValuePair<string, string>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>Sets KEY to VALUE, replacing in place when present.</summary>
    public void Set(string key, string value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            _entries[i] = new(key, value);
        }
        else
        {
            _index[key] = _entries.Count;
            _entries.Add(new(key, value));
        }
    }

    /// <summary>Adds KEY=VALUE only when KEY is absent (exported variables never override JOB, INSTANCE…).</summary>
    public void Add(string key, string value)
    {
        if (!_index.ContainsKey(key))
        {
            Set(key, value);
        }
    }

    /// <summary>Sets from a "KEY=VALUE" string; a string without '=' is ignored.</summary>
    public void SetEntry(string entry)
    {
        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0)
        {
            Set(entry[..eq], entry[(eq + 1)..]);
        }
    }

    /// <summary>
    /// Sets every "KEY=VALUE" entry in order (environ_append with replace). Entries without '=' are
    /// skipped: in Upstart they would import the daemon's own variable, which a job must never see.
    /// </summary>
    public void AppendEntries(IEnumerable<string>? entries)
    {
        if (entries is null)
        {
            return;
        }

        foreach (var entry in entries)
        {
            if (entry is not null)
            {
                SetEntry(entry);
            }
        }
    }

    public void Remove(string key)
    {
        if (_index.Remove(key, out var i))
        {
            _entries.RemoveAt(i);
            for (var j = i; j < _entries.Count; j++)
            {
                _index[_entries[j].Key] = j;
            }
        }
    }

    public bool TryGetValue(string key, out string value)
    {
        if (_index.TryGetValue(key, out var i))
        {
            value = _entries[i].Value;
            return true;
        }

        value = "";
        return false;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>The table as KEY=VALUE strings, in order.</summary>
    public List<string> ToList() => _entries.ConvertAll(e => e.Key + "=" + e.Value);

    public Dictionary<string, string> ToDictionary()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in _entries)
        {
            d[e.Key] = e.Value;
        }

        return d;
    }
}
