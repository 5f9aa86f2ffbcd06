namespace Upstart.JobFiles.Loading;

/// <summary>The directories Upstart searches, in priority order (the first to define a name owns it).</summary>
public static class JobDirectories
{
    /// <summary>System mode: /etc/init.</summary>
    public static IReadOnlyList<string> System { get; } = ["/etc/init"];

    /// <summary>
    /// Session mode (UPSTART.md §g): $XDG_CONFIG_HOME/upstart (default ~/.config/upstart), ~/.init, each
    /// $XDG_CONFIG_DIRS/upstart (default /etc/xdg/upstart), then /usr/share/upstart/sessions.
    /// </summary>
    public static IReadOnlyList<string> Session(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var home = environment("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        var result = new List<string>();
        var configHome = environment("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(configHome) || !Path.IsPathRooted(configHome))
        {
            configHome = Path.Combine(home, ".config");
        }

        result.Add(Path.Combine(configHome, "upstart"));
        result.Add(Path.Combine(home, ".init"));

        var configDirs = environment("XDG_CONFIG_DIRS");
        IEnumerable<string> dirs = string.IsNullOrEmpty(configDirs)
            ? new[] { "/etc/xdg" }
            : configDirs.Split(':', StringSplitOptions.RemoveEmptyEntries).Where(Path.IsPathRooted);
        result.AddRange(dirs.Select(d => Path.Combine(d, "upstart")));
        result.Add("/usr/share/upstart/sessions");
        return result.Distinct(StringComparer.Ordinal).ToList();
    }
}
