using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>
/// A job's effective definition (show-config) with provenance: OverriddenStanzas names what the
/// .override file set, so "why does it not start on boot?" has a one-line answer. Processes are
/// flattened to one property each so the object survives remoting at depth 1.
/// </summary>
public sealed class UpstartJobConfiguration
{
    internal UpstartJobConfiguration(JobConfigInfo info)
    {
        Name = info.Name;
        ConfigPath = info.ConfigPath;
        OverridePath = info.OverridePath;
        Description = info.Description;
        Author = info.Author;
        Version = info.Version;
        Usage = info.Usage;
        Instance = info.Instance;
        StartOn = info.StartOn;
        StopOn = info.StopOn;
        Emits = info.Emits.ToArray();
        Environment = info.Env.ToArray();
        Export = info.Export.ToArray();
        IsTask = info.Task;
        Respawn = info.Respawn;
        RespawnLimit = info.RespawnLimit;
        RespawnDelay = info.RespawnDelay;
        Expect = info.Expect;
        Console = info.Console;
        PreStart = ProcessOf(info, "pre-start");
        Main = ProcessOf(info, "main");
        PostStart = ProcessOf(info, "post-start");
        PreStop = ProcessOf(info, "pre-stop");
        PostStop = ProcessOf(info, "post-stop");
        PreRestart = ProcessOf(info, "pre-restart");
        Provenance = info.Provenance.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}").ToArray();
        OverriddenStanzas = info.Provenance.Where(p => p.Value == "override").Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        Withheld = info.Withheld?.ToArray() ?? [];
    }

    public string Name { get; }
    public string? ConfigPath { get; }
    public string? OverridePath { get; }
    public string? Description { get; }
    public string? Author { get; }
    public string? Version { get; }
    public string? Usage { get; }

    /// <summary>The `instance` stanza's template (e.g. "$TTY"), empty for a single-instance job.</summary>
    public string Instance { get; }

    public string? StartOn { get; }
    public string? StopOn { get; }
    public string[] Emits { get; }

    /// <summary>The `env` stanzas as KEY=VALUE.</summary>
    public string[] Environment { get; }

    public string[] Export { get; }
    public bool IsTask { get; }
    public bool Respawn { get; }
    public string? RespawnLimit { get; }

    /// <summary>Beyond Upstart: `respawn delay` as "INITIAL MAX" seconds; null when the file leaves it to the daemon's default.</summary>
    public string? RespawnDelay { get; }
    public string Expect { get; }
    public string Console { get; }

    /// <summary>"exec CMD" or "script\n…", or null when the job has no such process.</summary>
    public string? PreStart { get; }
    public string? Main { get; }
    public string? PostStart { get; }
    public string? PreStop { get; }
    public string? PostStop { get; }

    /// <summary>The check run before a restart or reload (UpstartPS's `pre-restart`, not Upstart 1.13's).</summary>
    public string? PreRestart { get; }

    /// <summary>Every stanza as "STANZA=conf" or "STANZA=override".</summary>
    public string[] Provenance { get; }

    /// <summary>The stanzas whose value comes from the .override file.</summary>
    public string[] OverriddenStanzas { get; }

    /// <summary>
    /// What the daemon left out ("env", "processes"): a job's environment and commands reach only those who may
    /// change jobs, unless its files are readable by everyone (docs/protocol.md). Empty when nothing was.
    /// </summary>
    public string[] Withheld { get; }

    public override string ToString() => Name;

    private static string? ProcessOf(JobConfigInfo info, string kind) =>
        info.Processes.TryGetValue(kind, out var text) ? text : null;
}
