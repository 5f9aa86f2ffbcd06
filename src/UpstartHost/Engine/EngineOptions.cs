using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>How the daemon configures the engine.</summary>
public sealed record EngineOptions
{
    /// <summary>Upstart's compiled-in PATH for jobs (UPSTART.md §b.4).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin";

    /// <summary>Directory of job console logs (`console log`); <see cref="Logging.LogFileName.For"/> names the files.</summary>
    public string LogDirectory { get; init; } = "/var/log/upstart";

    /// <summary>
    /// The global job environment table, KEY=VALUE, first in every job environment: PATH and TERM by default,
    /// plus `set-env` values; in session mode the session's own environment.
    /// </summary>
    public IReadOnlyList<string> BaseEnvironment { get; init; } = ["PATH=" + DefaultPath, "TERM=linux"];

    /// <summary>The daemon's own environment, consulted by `env KEY` stanzas without a value.</summary>
    public IReadOnlyDictionary<string, string> DaemonEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Session mode (init --user): processes also get UPSTART_SESSION.</summary>
    public bool SessionMode { get; init; }

    /// <summary>The UPSTART_SESSION value given to jobs in session mode.</summary>
    public string? SessionAddress { get; init; }

    /// <summary>
    /// A system daemon's control socket when it is not the standard one (--socket): given to jobs as
    /// UPSTARTPS_SOCKET, so that `start`, `stop` or `initctl` run inside a job reach this daemon and not
    /// /run/upstartps/control.sock (session-mode jobs find theirs through UPSTART_SESSION). Null otherwise:
    /// a standard daemon's jobs get exactly Upstart's variables.
    /// </summary>
    public string? NonStandardSocket { get; init; }

    /// <summary>Emit the process-exited, respawning and respawn-limit-reached events (beyond Upstart; docs/engine.md).</summary>
    public bool EmitProcessEvents { get; init; } = true;

    /// <summary>Whether the `apparmor load` (security) process runs; Upstart skips it when AppArmor is unavailable.</summary>
    public bool AppArmorAvailable { get; init; } = Directory.Exists("/sys/kernel/security/apparmor");

    /// <summary>Upstart's --no-respawn: a failing main process is never respawned.</summary>
    public bool DisableRespawn { get; init; }

    /// <summary>
    /// How long a pre-restart check may run before its process group is killed and the request refused
    /// (docs/job-files.md "pre-restart").
    /// </summary>
    public TimeSpan PreRestartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Beyond Upstart: how long a job with `expect stop|fork|daemon` may wait in spawned before the daemon logs a
    /// warning, once per spawn, that its main process has not done what `expect` waits for. Upstart waited in
    /// silence; a wrong `expect` (a daemon that no longer forks or stops itself) leaves the job there for ever.
    /// </summary>
    public TimeSpan NotReadyWarningAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Beyond Upstart: the back-off of jobs whose file has no `respawn delay` (host.json `respawnDelay`).
    /// None, Upstart's behaviour, unless configured.
    /// </summary>
    public RespawnDelay RespawnDelay { get; init; } = RespawnDelay.None;
}
