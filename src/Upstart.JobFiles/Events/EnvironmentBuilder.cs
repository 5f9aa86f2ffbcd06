namespace Upstart.JobFiles.Events;

/// <summary>
/// An ordered KEY=VALUE table where setting an existing KEY replaces its value in place (Upstart's
/// environ_add with replace=TRUE). Used for job environments and event environments.
/// </summary>
public sealed class EnvironmentBuilder
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    // The "KEY=VALUE" string an entry was set from, or null: ToList hands it back instead of concatenating a
    // copy, so the environments built from one base (every instance of every job starts from the daemon's)
    // share their strings rather than each holding its own (issue 11, docs/performance.md).
    private readonly List<string?> _texts = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>Sets KEY to VALUE, replacing in place when present.</summary>
    public void Set(string key, string value) => Set(key, value, text: null);

    private void Set(string key, string value, string? text)
    {
        if (_index.TryGetValue(key, out var i))
        {
            _entries[i] = new(key, value);
            _texts[i] = text;
        }
        else
        {
            _index[key] = _entries.Count;
            _entries.Add(new(key, value));
            _texts.Add(text);
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
            Set(entry[..eq], entry[(eq + 1)..], entry);
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
            _texts.RemoveAt(i);
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
    public List<string> ToList()
    {
        var list = new List<string>(_entries.Count);
        for (var i = 0; i < _entries.Count; i++)
        {
            list.Add(_texts[i] ?? _entries[i].Key + "=" + _entries[i].Value);
        }

        return list;
    }

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
