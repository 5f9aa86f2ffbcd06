namespace UpstartHost.Hosting;

/// <summary>
/// The defaults of a mode. System: /etc/init, /var/log/upstart, /run/upstartps/control.sock,
/// /var/lib/upstartps, /etc/upstartps/host.json. Session (UPSTART.md §g): the XDG job directories,
/// $XDG_CACHE_HOME/upstart, $XDG_RUNTIME_DIR/upstartps/control.sock (else a private
/// /tmp/upstartps-UID/), $XDG_STATE_HOME/upstartps, $XDG_CONFIG_HOME/upstartps/host.json.
/// </summary>
public sealed record DaemonPaths(
    HostMode Mode,
    IReadOnlyList<string> ConfDirs,
    string LogDir,
    string SocketPath,
    string StateDir,
    string SettingsFile)
{
    public static DaemonPaths ForSystem() => new(
        HostMode.System,
        ["/etc/init"],
        Environment.GetEnvironmentVariable("UPSTART_LOGDIR") is { Length: > 0 } logDir ? logDir : "/var/log/upstart",
        "/run/upstartps/control.sock",
        "/var/lib/upstartps",
        "/etc/upstartps/host.json");

    /// <summary>Session defaults from the environment (<paramref name="getEnv"/>) and the home directory.</summary>
    public static DaemonPaths ForSession(Func<string, string?> getEnv, string home, uint uid)
    {
        ArgumentNullException.ThrowIfNull(getEnv);
        string Xdg(string variable, string fallback) =>
            getEnv(variable) is { Length: > 0 } value && Path.IsPathRooted(value) ? value : Path.Combine(home, fallback);

        var configHome = Xdg("XDG_CONFIG_HOME", ".config");
        var confDirs = Upstart.JobFiles.Loading.JobDirectories.Session(v => v == "HOME" ? home : getEnv(v));

        var runtimeDir = getEnv("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathRooted(runtime)
            ? Path.Combine(runtime, "upstartps")
            : PrivateTempDirectory(uid);
        return new DaemonPaths(
            HostMode.Session,
            confDirs,
            Path.Combine(Xdg("XDG_CACHE_HOME", ".cache"), "upstart"),
            Path.Combine(runtimeDir, "control.sock"),
            Path.Combine(Xdg("XDG_STATE_HOME", Path.Combine(".local", "state")), "upstartps"),
            Path.Combine(configHome, "upstartps", "host.json"));
    }

    /// <summary>Where the socket goes when there is no $XDG_RUNTIME_DIR (created 0700 by <see cref="DaemonDirectories"/>).</summary>
    public static string PrivateTempDirectory(uint uid) => $"/tmp/upstartps-{uid}";
}
