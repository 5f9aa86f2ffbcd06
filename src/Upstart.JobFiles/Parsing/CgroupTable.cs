using System.Collections.Immutable;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// `cgroup` stanzas merged as Upstart's cgroup.c keeps them: controllers in order of first appearance,
/// names in order within a controller, settings in order within a name. A repeated key replaces its
/// value in place; an identical stanza is a no-op.
/// </summary>
internal sealed class CgroupTable
{
    // Lists keep Upstart's order; the indexes keep a hostile file with many stanzas linear.
    private readonly List<Controller> _controllers = [];
    private readonly Dictionary<string, Controller> _byName = new(StringComparer.Ordinal);

    /// <summary>A table holding <paramref name="settings"/>, so an override's cgroup stanzas merge into the conf's.</summary>
    public static CgroupTable From(ImmutableArray<CgroupSetting> settings)
    {
        var table = new CgroupTable();
        foreach (var setting in settings)
        {
            table.Add(setting.Controller, setting.Name, setting.Key, setting.Value);
        }

        return table;
    }

    public void Add(string controller, string name, string? key, string? value)
    {
        if (!_byName.TryGetValue(controller, out var c))
        {
            c = new Controller(controller);
            _controllers.Add(c);
            _byName.Add(controller, c);
        }

        if (!c.ByName.TryGetValue(name, out var n))
        {
            n = new CgroupName(name);
            c.Names.Add(n);
            c.ByName.Add(name, n);
        }

        if (key is null)
        {
            return;
        }

        if (n.ByKey.TryGetValue(key, out var i))
        {
            n.Settings[i] = (key, value ?? "");
        }
        else
        {
            n.ByKey.Add(key, n.Settings.Count);
            n.Settings.Add((key, value ?? ""));
        }
    }

    /// <summary>One entry per setting, or one entry with no key for a name without settings.</summary>
    public ImmutableArray<CgroupSetting> ToImmutable()
    {
        if (_controllers.Count == 0)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<CgroupSetting>();
        foreach (var c in _controllers)
        {
            foreach (var n in c.Names)
            {
                if (n.Settings.Count == 0)
                {
                    result.Add(new CgroupSetting(c.Name, n.Name, null, null));
                }

                foreach (var (key, value) in n.Settings)
                {
                    result.Add(new CgroupSetting(c.Name, n.Name, key, value));
                }
            }
        }

        return result.ToImmutable();
    }

    private sealed record Controller(string Name)
    {
        public List<CgroupName> Names { get; } = [];

        public Dictionary<string, CgroupName> ByName { get; } = new(StringComparer.Ordinal);
    }

    private sealed record CgroupName(string Name)
    {
        public List<(string Key, string Value)> Settings { get; } = [];

        public Dictionary<string, int> ByKey { get; } = new(StringComparer.Ordinal);
    }
}
