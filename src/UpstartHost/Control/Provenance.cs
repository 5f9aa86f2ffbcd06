using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace UpstartHost.Control;

/// <summary>
/// show-config's provenance: for each stanza, "conf" or "override". The .conf is parsed alone and
/// compared with the merged job; whatever differs came from the .override (init(5): an override
/// replaces or extends the stanzas it names).
/// </summary>
public static class Provenance
{
    public static IReadOnlyDictionary<string, string> For(JobClassConfig merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var confOnly = merged.OverridePath is null ? merged : ParseConfAlone(merged);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var mergedStanzas = Stanzas(merged);
        var confStanzas = confOnly is null ? [] : Stanzas(confOnly);
        foreach (var (key, value) in mergedStanzas)
        {
            result[key] = confOnly is null || !confStanzas.TryGetValue(key, out var before) || before != value ? "override" : "conf";
        }

        return result;
    }

    private static JobClassConfig? ParseConfAlone(JobClassConfig merged)
    {
        if (merged.SourcePath is null)
        {
            return null;
        }

        // Through the loader's reader: the file may have become a FIFO or a device since it was loaded.
        var text = Upstart.JobFiles.Loading.JobFileSource.Read(merged.SourcePath, []);
        return text is null ? null : JobFileParser.Parse(merged.Name, merged.SourcePath, text).Config;
    }

    /// <summary>The stanzas that are set, each as comparable text.</summary>
    private static Dictionary<string, string> Stanzas(JobClassConfig c)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                d[key] = value;
            }
        }

        Add("description", c.Description);
        Add("author", c.Author);
        Add("version", c.Version);
        Add("usage", c.Usage);
        Add("instance", c.Instance.Length > 0 ? c.Instance : null);
        Add("start on", c.StartOn?.ToString());
        Add("stop on", c.StopOn?.ToString());
        Add("env", c.Env.IsDefaultOrEmpty ? null : string.Join('\n', c.Env));
        Add("export", c.Export.IsDefaultOrEmpty ? null : string.Join('\n', c.Export));
        Add("emits", c.Emits.IsDefaultOrEmpty ? null : string.Join('\n', c.Emits));
        Add("task", c.Task ? "task" : null);
        Add("respawn", c.Respawn ? "respawn" : null);
        Add("respawn limit", c.RespawnLimit == RespawnLimit.Default ? null : c.RespawnLimit.ToString());
        Add("normal exit", c.NormalExit.IsDefaultOrEmpty ? null : string.Join(' ', c.NormalExit));
        Add("expect", c.Expect == ExpectMode.None ? null : c.Expect.ToString());
        Add("kill timeout", c.KillTimeout == 5 ? null : c.KillTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("kill signal", c.KillSignal == 15 ? null : c.KillSignal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("reload signal", c.ReloadSignal == 1 ? null : c.ReloadSignal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("console", c.Console == ConsoleMode.Log ? null : c.Console.ToString());
        Add("chdir", c.Chdir);
        Add("chroot", c.Chroot);
        Add("setuid", c.Setuid);
        Add("setgid", c.Setgid);
        foreach (var (kind, process) in c.Processes)
        {
            var key = kind == ProcessKind.Main ? (process.IsScript ? "script" : "exec") : kind.ToUpstartName();
            d[key] = process.Command;
        }

        return d;
    }
}
