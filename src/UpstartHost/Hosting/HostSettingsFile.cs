using System.Text.Json;
using System.Text.Json.Serialization;

namespace UpstartHost.Hosting;

/// <summary>
/// `/etc/upstartps/host.json` (session: `$XDG_CONFIG_HOME/upstartps/host.json`). Every member is
/// optional; the command line wins over the file, the file over the mode's defaults.
/// </summary>
public sealed record HostSettingsFile
{
    public IReadOnlyList<string>? ConfDirs { get; init; }
    public string? LogDir { get; init; }
    public string? Socket { get; init; }
    public string? StateDir { get; init; }

    /// <summary>Members of this group may change things (start, stop, emit, …); default `upstartps`.</summary>
    public string? AdminGroup { get; init; }

    /// <summary>"system" (anyone reads, root/admin group change) or "session" (owner only). Default: the mode's.</summary>
    public string? Authorization { get; init; }

    /// <summary>
    /// Who may read job logs through a system daemon: "owner-and-admins" (default: root, the admin group and
    /// the job's own `setuid` user), "admins", or "everyone".
    /// </summary>
    public string? LogAccess { get; init; }

    /// <summary>Events emitted after loading, in order, each `NAME [KEY=VALUE]...`.</summary>
    public IReadOnlyList<string>? BootEvents { get; init; }

    /// <summary>Events emitted on SIGTERM/SIGINT before every job is stopped.</summary>
    public IReadOnlyList<string>? ShutdownEvents { get; init; }

    /// <summary>Quiet period after the last inotify change before the directories are re-read (ms).</summary>
    public int? ReloadDebounceMilliseconds { get; init; }

    /// <summary>
    /// How often (ms) the job directories are checked for being deleted or replaced, and rescanned for
    /// changes when inotify cannot be had; default 2000.
    /// </summary>
    public int? RescanIntervalMilliseconds { get; init; }

    /// <summary>
    /// Beyond Upstart: the respawn back-off of jobs whose file has no `respawn delay`, written as the stanza's
    /// arguments: `"INITIAL [MAX]"` in seconds. Default: none (Upstart's immediate respawn).
    /// </summary>
    public string? RespawnDelay { get; init; }

    /// <summary>
    /// Seconds a control connection may sit with no request in flight before the daemon closes it; default 60,
    /// 1 to 86400. Clients that pause longer connect again (the module does so by itself).
    /// </summary>
    public int? ControlIdleTimeoutSeconds { get; init; }

    /// <summary>
    /// False makes every control connection's reads go through the thread pool, as for any socket; default true:
    /// a status of one job is answered on the runtime's socket thread (docs/performance.md, issue 11).
    /// </summary>
    public bool? ControlInlineCompletions { get; init; }

    /// <summary>Messages each watch client may have queued before it is dropped.</summary>
    public int? WatchBufferSize { get; init; }

    /// <summary>False turns whole-job cleanup through cgroups off; default true (used where the kernel allows).</summary>
    public bool? JobCgroups { get; init; }

    /// <summary>The cgroup2 directory to make job cgroups under; default the daemon's own cgroup.</summary>
    public string? CgroupRoot { get; init; }

    /// <summary>Reads the file; a missing file is an empty settings object, a malformed one an error naming the file.</summary>
    public static HostSettingsFile Read(string path)
    {
        if (!File.Exists(path))
        {
            return new HostSettingsFile();
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, HostSettingsJsonContext.Default.HostSettingsFile) ?? new HostSettingsFile();
        }
        catch (JsonException e)
        {
            throw new HostUsageException($"{path}: {e.Message}");
        }
    }
}

/// <summary>Source-generated (trim/AOT safe) binding of host.json.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(HostSettingsFile))]
internal sealed partial class HostSettingsJsonContext : JsonSerializerContext;
