namespace UpstartPS.Protocol.Messages;

/// <summary>An event or state change from the watch stream / event history. Kind: "event" or "state".</summary>
public sealed record EventInfo
{
    public DateTimeOffset Time { get; init; }
    public string Kind { get; init; } = "event";
    public required string Name { get; init; }
    public IReadOnlyList<string> Environment { get; init; } = [];
    public string? Job { get; init; }
    public string? Instance { get; init; }
    public string? Goal { get; init; }
    public string? State { get; init; }
}

/// <summary>One line of a job's console log.</summary>
public sealed record LogLineInfo(DateTimeOffset Time, string Job, string Instance, string Line);

/// <summary>A job-file diagnostic (bad file, bad override, bad name, unreachable condition).</summary>
public sealed record DiagnosticInfo(string Path, int Line, int Column, string Kind, string Message, string Severity = "error");

/// <summary>show-config: the parsed job with where each part came from.</summary>
public sealed record JobConfigInfo
{
    public required string Name { get; init; }
    public string? ConfigPath { get; init; }
    public string? OverridePath { get; init; }
    public string? Description { get; init; }
    public string? Author { get; init; }
    public string? Version { get; init; }
    public string? Usage { get; init; }
    public string Instance { get; init; } = "";
    public string? StartOn { get; init; }
    public string? StopOn { get; init; }

    /// <summary>
    /// The operands of <see cref="StartOn"/>, left to right, each its event name then its arguments as the job file
    /// gave them (unquoted): what show-config -e lists, with no text to split again. Null from a daemon older than it.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>>? StartOnOperands { get; init; }

    /// <summary>As <see cref="StartOnOperands"/> for <see cref="StopOn"/>.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? StopOnOperands { get; init; }
    public IReadOnlyList<string> Emits { get; init; } = [];
    public IReadOnlyList<string> Env { get; init; } = [];
    public IReadOnlyList<string> Export { get; init; } = [];
    public bool Task { get; init; }
    public bool Respawn { get; init; }
    public string? RespawnLimit { get; init; }

    /// <summary>Beyond Upstart: `respawn delay` as "INITIAL MAX" seconds; null when the file does not set it (the daemon's default applies).</summary>
    public string? RespawnDelay { get; init; }
    public string Expect { get; init; } = "none";
    public string Console { get; init; } = "log";

    /// <summary>Process kind → "exec CMD" or "script\n…".</summary>
    public IReadOnlyDictionary<string, string> Processes { get; init; } = new Dictionary<string, string>();

    /// <summary>Every stanza key → "conf" or "override", for provenance.</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The fields left out of this answer ("env", "processes"): a caller who may not change jobs sees a job's
    /// `env` values and its commands only when its files are readable by everyone (docs/protocol.md).
    /// </summary>
    public IReadOnlyList<string>? Withheld { get; init; }

    /// <summary>
    /// Disabled by an administrator (`disable`, persisted): no event starts it, as a `manual` override would keep it
    /// from starting. <see cref="StartOn"/> is still the job files' condition; initctl's text leaves it out, as
    /// Upstart's show-config does for a `manual` job (added within version 1; false from an older daemon).
    /// </summary>
    public bool Disabled { get; init; }
}

/// <summary>reload-configuration result: what was (or, in dry run, would be) added, changed, removed.</summary>
public sealed record ConfigurationChange(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Changed,
    IReadOnlyList<string> Removed,
    IReadOnlyList<DiagnosticInfo> Diagnostics);

/// <summary>check-config: one unreachable condition (`start on: unknown event peach`).</summary>
public sealed record CheckConfigItem(string Job, string Stanza, string Kind, string Name);
