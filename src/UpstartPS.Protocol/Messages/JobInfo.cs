namespace UpstartPS.Protocol.Messages;

/// <summary>
/// One job instance as the daemon reports it (or a class with no instance: Goal "stop", State
/// "waiting", HasInstance false). Flat and serialisable: it crosses the socket and PowerShell remoting.
/// </summary>
public sealed record JobInfo
{
    public required string Name { get; init; }
    public string Instance { get; init; } = "";
    public string Goal { get; init; } = "stop";
    public string State { get; init; } = "waiting";
    public IReadOnlyList<ProcessInfo> Processes { get; init; } = [];
    public string? Description { get; init; }
    public string? StartOn { get; init; }
    public string? StopOn { get; init; }
    public bool IsTask { get; init; }
    public int RespawnCount { get; init; }

    /// <summary>Last failure as Upstart reports it: "main status=1", "pre-start signal=KILL", "respawn", or null.</summary>
    public string? LastFailure { get; init; }
    public string? ConfigPath { get; init; }

    /// <summary>The job file changed on disk and the running instance still uses the old definition.</summary>
    public bool ConfigChanged { get; init; }

    /// <summary>Disabled by an administrator (persisted).</summary>
    public bool Disabled { get; init; }
    public bool HasInstance { get; init; }

    /// <summary>
    /// Beyond Upstart: while a respawn waits for its back-off (`respawn delay`), when the next attempt is
    /// due (UTC); null otherwise. The instance then shows goal start, state post-stop.
    /// </summary>
    public DateTimeOffset? NextRespawn { get; init; }

    /// <summary>
    /// Beyond Upstart: when the instance entered its state (UTC), so a running job says since when (a respawn or
    /// restart starts it again; kept across a daemon restart). For a class with no instance, when its last
    /// instance ended, null if none has since the daemon started. Absent from an older daemon.
    /// </summary>
    public DateTimeOffset? Since { get; init; }
}

/// <summary>A live process: Kind is Upstart's name (main, pre-start, post-start, pre-stop, post-stop, security).</summary>
public sealed record ProcessInfo(string Kind, int Pid);
