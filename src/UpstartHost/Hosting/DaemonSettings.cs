using UpstartPS.Protocol.Server;
using Upstart.JobFiles.Model;

namespace UpstartHost.Hosting;

/// <summary>Who may do what on the control socket (DESIGN.md decision 5).</summary>
public enum AuthorizationMode
{
    /// <summary>Anyone may read; changing anything needs root or the admin group.</summary>
    System,

    /// <summary>Only the daemon's own user (and root) may connect at all.</summary>
    Session,
}

/// <summary>Everything the daemon runs with, after command line, host.json and the mode's defaults.</summary>
public sealed record DaemonSettings
{
    public required HostMode Mode { get; init; }
    public required IReadOnlyList<string> ConfDirs { get; init; }
    public required string LogDir { get; init; }
    public required string SocketPath { get; init; }
    public required string StateDir { get; init; }
    public string AdminGroup { get; init; } = "upstartps";
    public AuthorizationMode Authorization { get; init; }

    /// <summary>Who may read job logs (system authorisation; a session daemon's owner reads all).</summary>
    public LogAccess LogAccess { get; init; }
    public IReadOnlyList<BootEvent> BootEvents { get; init; } = [];
    public IReadOnlyList<BootEvent> ShutdownEvents { get; init; } = [];
    public TimeSpan ReloadDebounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the job directories are checked for being replaced, and rescanned when inotify failed.</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(2);
    public int WatchBufferSize { get; init; } = 1024;

    /// <summary>How long a control connection with nothing in flight stays open (host.json `controlIdleTimeoutSeconds`).</summary>
    public TimeSpan ControlIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A status of one job answered on the socket thread (host.json `controlInlineCompletions`).</summary>
    public bool ControlInlineCompletions { get; init; } = true;

    /// <summary>Whole-job cleanup through a cgroup per job instance, where the kernel offers it (docs/processes.md).</summary>
    public bool JobCgroups { get; init; } = true;

    /// <summary>The cgroup2 directory job cgroups are made under; null: the daemon's own cgroup.</summary>
    public string? CgroupRoot { get; init; }

    /// <summary>The back-off for jobs without `respawn delay` (host.json `respawnDelay`); none by default, as in Upstart.</summary>
    public RespawnDelay RespawnDelay { get; init; } = RespawnDelay.None;

    /// <summary>The default boot sequence, so stock job files (`start on runlevel [2345]`, `start on filesystem`) run.</summary>
    public static IReadOnlyList<string> DefaultBootEvents { get; } =
    [
        "startup",
        "virtual-filesystems",
        "local-filesystems",
        "remote-filesystems",
        "filesystem",
        "static-network-up",
        "runlevel RUNLEVEL=2 PREVLEVEL=N",
    ];

    /// <summary>What shutdown(8) would have emitted before init stopped everything.</summary>
    public static IReadOnlyList<string> DefaultShutdownEvents { get; } = ["runlevel RUNLEVEL=0 PREVLEVEL=2"];

    /// <summary>Combines the command line, the settings file and the mode's defaults (the first that says wins).</summary>
    public static DaemonSettings Resolve(HostCommandLine commandLine, HostSettingsFile file, DaemonPaths defaults)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(defaults);
        var confDirs = commandLine.ConfDirs.Count > 0 ? commandLine.ConfDirs
            : file.ConfDirs is { Count: > 0 } ? file.ConfDirs
            : defaults.ConfDirs;
        var boot = (file.BootEvents ?? DefaultBootEvents).Select(BootEvent.Parse).ToList();
        if (commandLine.StartupEvent is { } startup && boot.Count > 0 && boot[0].Name == "startup")
        {
            // init(8) --startup-event: the first event's name changes, the rest of the sequence stays.
            boot[0] = boot[0] with { Name = startup };
        }
        else if (commandLine.StartupEvent is { } other)
        {
            boot.Insert(0, new BootEvent(other, []));
        }

        if (commandLine.NoStartupEvent)
        {
            boot.Clear();
        }

        return new DaemonSettings
        {
            Mode = defaults.Mode,
            ConfDirs = confDirs.Select(Path.GetFullPath).ToList(),
            LogDir = Path.GetFullPath(commandLine.LogDir ?? file.LogDir ?? defaults.LogDir),
            SocketPath = Path.GetFullPath(commandLine.SocketPath ?? file.Socket ?? defaults.SocketPath),
            StateDir = Path.GetFullPath(commandLine.StateDir ?? file.StateDir ?? defaults.StateDir),
            AdminGroup = file.AdminGroup ?? "upstartps",
            Authorization = ParseAuthorization(file.Authorization, defaults.Mode),
            LogAccess = ParseLogAccess(file.LogAccess),
            BootEvents = boot,
            ShutdownEvents = (file.ShutdownEvents ?? DefaultShutdownEvents).Select(BootEvent.Parse).ToList(),
            ReloadDebounce = TimeSpan.FromMilliseconds(Math.Clamp(file.ReloadDebounceMilliseconds ?? 100, 0, 60_000)),
            RescanInterval = TimeSpan.FromMilliseconds(Math.Clamp(file.RescanIntervalMilliseconds ?? 2000, 50, 3_600_000)),
            WatchBufferSize = Math.Clamp(file.WatchBufferSize ?? 1024, 16, 1 << 20),
            ControlIdleTimeout = ParseControlIdleTimeout(file.ControlIdleTimeoutSeconds),
            ControlInlineCompletions = file.ControlInlineCompletions ?? true,
            JobCgroups = file.JobCgroups ?? true,
            CgroupRoot = file.CgroupRoot is { Length: > 0 } cgroupRoot ? Path.GetFullPath(cgroupRoot) : null,
            RespawnDelay = ParseRespawnDelay(file.RespawnDelay),
        };
    }

    /// <summary>
    /// Refused rather than clamped, as `respawnDelay`: 0 would close every connection at once, and a typo such as
    /// 600000 (meant as milliseconds) would keep abandoned connections for a week.
    /// </summary>
    private static TimeSpan ParseControlIdleTimeout(int? seconds) =>
        seconds switch
        {
            null => TimeSpan.FromSeconds(60),
            >= 1 and <= 86_400 => TimeSpan.FromSeconds(seconds.Value),
            _ => throw new HostUsageException($"controlIdleTimeoutSeconds must be a whole number of seconds from 1 to 86400, not {seconds}"),
        };

    private static LogAccess ParseLogAccess(string? value) => value switch
    {
        null or "" or "owner-and-admins" => LogAccess.OwnerAndAdministrators,
        "admins" => LogAccess.Administrators,
        "everyone" => LogAccess.Everyone,
        _ => throw new HostUsageException($"logAccess must be \"owner-and-admins\", \"admins\" or \"everyone\", not \"{value}\""),
    };

    /// <summary>A bad value stops the daemon from starting, as a bad `authorization` does: it must not silently mean "no back-off".</summary>
    private static RespawnDelay ParseRespawnDelay(string? value) =>
        value is null ? RespawnDelay.None
        : RespawnDelay.TryParse(value, out var delay) ? delay
        : throw new HostUsageException(
            $"respawnDelay must be \"INITIAL [MAX]\" in seconds (0 to 86400, up to 3 decimals, MAX no less than INITIAL), not \"{value}\"");

    private static AuthorizationMode ParseAuthorization(string? value, HostMode mode) => value?.ToUpperInvariant() switch
    {
        null or "" => mode == HostMode.System ? AuthorizationMode.System : AuthorizationMode.Session,
        "SYSTEM" => AuthorizationMode.System,
        "SESSION" => AuthorizationMode.Session,
        _ => throw new HostUsageException($"authorization must be \"system\" or \"session\", not \"{value}\""),
    };
}
