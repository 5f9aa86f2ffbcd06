using Upstart.JobFiles.Model;

namespace UpstartHost.Control;

/// <summary>
/// show-config's provenance: for each setting that differs from the defaults, "conf" or "override".
/// The parser records the settings the .override made (<see cref="JobClassConfig.OverrideSettings"/>);
/// every other one came from the .conf (init(5): an override replaces or extends the stanzas it names).
/// </summary>
public static class Provenance
{
    private static readonly JobClassConfig Defaults = new() { Name = "" };

    public static IReadOnlyDictionary<string, string> For(JobClassConfig merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, _) in Stanzas(merged))
        {
            // The security process is the setting `apparmor load` makes.
            var setting = key == ProcessKind.Security.ToUpstartName() ? "apparmor load" : key;
            result[key] = merged.OverrideSettings.Contains(setting) ? "override" : "conf";
        }

        return result;
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
        Add("instance", c.Instance == Defaults.Instance ? null : c.Instance);
        Add("start on", c.StartOn?.ToString());
        Add("stop on", c.StopOn?.ToString());
        Add("env", c.Env.IsDefaultOrEmpty ? null : string.Join('\n', c.Env));
        Add("export", c.Export.IsDefaultOrEmpty ? null : string.Join('\n', c.Export));
        Add("emits", c.Emits.IsDefaultOrEmpty ? null : string.Join('\n', c.Emits));
        Add("task", c.Task ? "task" : null);
        Add("respawn", c.Respawn ? "respawn" : null);
        Add("respawn limit", c.RespawnLimit == Defaults.RespawnLimit ? null : c.RespawnLimit.ToString());
        Add("respawn delay", c.RespawnDelay?.ToString());
        Add("normal exit", c.NormalExit.IsDefaultOrEmpty ? null : string.Join(' ', c.NormalExit));
        Add("expect", c.Expect == Defaults.Expect ? null : c.Expect.ToString());
        Add("kill timeout", c.KillTimeout == Defaults.KillTimeout ? null : c.KillTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("kill signal", c.KillSignal == Defaults.KillSignal ? null : c.KillSignal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("reload signal", c.ReloadSignal == Defaults.ReloadSignal ? null : c.ReloadSignal.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("console", c.Console == Defaults.Console ? null : c.Console.ToString());
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
