using System.Collections.Immutable;
using Upstart.JobFiles.Events;

namespace Upstart.JobFiles.Model;

/// <summary>
/// One parsed job file (plus its override), immutable. Field defaults are Upstart 1.13's
/// (init(5), UPSTART.md "Quick reference: defaults"), written here and nowhere else: the parser starts
/// from `new JobClassConfig()` (an override from a copy of the conf's) and each stanza handler sets its
/// property on that copy before anyone else sees it (Parsing/JobField.cs). Adding a stanza: a property
/// here, a handler, a table entry and tests (docs/job-files.md "Adding a stanza"). The engine, the
/// daemon's show-config and the PowerShell module all read this one shape.
/// </summary>
public sealed record JobClassConfig
{
    /// <summary>Job name: the path relative to its directory without ".conf" (a/b.conf → a/b).</summary>
    public required string Name { get; init; }

    /// <summary>Path of the .conf file, or null for a job built in memory.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Path of the .override applied on top, if any.</summary>
    public string? OverridePath { get; init; }

    public string? Description { get; init; }
    public string? Author { get; init; }
    public string? Version { get; init; }
    public string? Usage { get; init; }

    /// <summary>Instance name pattern, unexpanded; "" means a single-instance job.</summary>
    public string Instance { get; init; } = "";

    /// <summary>Raw env stanza arguments in order: "KEY=VALUE" or just "KEY" (copy from init's environment).</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    public ImmutableArray<string> Export { get; init; } = [];
    public ImmutableArray<string> Emits { get; init; } = [];

    public EventExpression? StartOn { get; init; }
    public EventExpression? StopOn { get; init; }

    public bool Task { get; init; }
    public bool Respawn { get; init; }
    public RespawnLimit RespawnLimit { get; init; } = RespawnLimit.Default;

    /// <summary>Beyond Upstart: `respawn delay INITIAL [MAX]`; null when the file does not say (the daemon's default applies).</summary>
    public RespawnDelay? RespawnDelay { get; init; }

    /// <summary>normal exit items in order, accumulated across stanzas.</summary>
    public ImmutableArray<ExitStatus> NormalExit { get; init; } = [];

    /// <summary>Processes defined by exec/script stanzas (and the apparmor load "security" process).</summary>
    public ImmutableDictionary<ProcessKind, ProcessDefinition> Processes { get; init; } =
        ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty;

    public ExpectMode Expect { get; init; } = ExpectMode.None;

    /// <summary>kill timeout in seconds: a time_t in Upstart, so 64-bit and, after a failed override, possibly negative.</summary>
    public long KillTimeout { get; init; } = 5;

    /// <summary>kill signal number (Linux x86-64 numbering); not range checked, as in Upstart.</summary>
    public int KillSignal { get; init; } = 15;

    /// <summary>reload signal number.</summary>
    public int ReloadSignal { get; init; } = 1;

    public ConsoleMode Console { get; init; } = ConsoleMode.Log;

    /// <summary>File creation mask, 0..0777.</summary>
    public int Umask { get; init; } = 0x12; // 0022 octal

    /// <summary>nice value -20..19, or null for unchanged.</summary>
    public int? Nice { get; init; }

    /// <summary>Final oom_score_adj (-1000..1000); `never` and the legacy `oom N` form are converted.</summary>
    public int OomScore { get; init; }

    public ImmutableDictionary<ResourceKind, ResourceLimit> Limits { get; init; } =
        ImmutableDictionary<ResourceKind, ResourceLimit>.Empty;

    public string? Chroot { get; init; }
    public string? Chdir { get; init; }
    public string? Setuid { get; init; }
    public string? Setgid { get; init; }

    /// <summary>Profile path from `apparmor load` (also present as the Security process).</summary>
    public string? AppArmorLoad { get; init; }
    public string? AppArmorSwitch { get; init; }

    /// <summary>cgroup settings merged by (controller, name, key).</summary>
    public ImmutableArray<CgroupSetting> Cgroups { get; init; } = [];

    public bool Debug { get; init; }

    /// <summary>
    /// The settings the .conf made, each once, named as show-config names them (`kill timeout`, `start on`,
    /// `exec`, `pre-start`…; see StanzaTable.SettingName). Recorded by the parser as it reads each
    /// stanza, so provenance needs no second read of the files and no list of stanzas of its own.
    /// </summary>
    public ImmutableArray<string> ConfSettings { get; init; } = [];

    /// <summary>The settings the .override made, named and recorded as <see cref="ConfSettings"/> are.</summary>
    public ImmutableArray<string> OverrideSettings { get; init; } = [];

    /// <summary>
    /// Every stanza the files use that Upstart 1.13 does not know (`pre-restart`, `respawn delay`: it
    /// would refuse the whole file with "Unknown stanza"), in the order read, the .conf's before the
    /// .override's. Recorded by the parser, for `check --upstart-compatible`.
    /// </summary>
    public ImmutableArray<StanzaLocation> BeyondUpstart { get; init; } = [];

    /// <summary>True when the main process is defined (a job without one models a state).</summary>
    public bool HasMain => Processes.ContainsKey(ProcessKind.Main);

    public ProcessDefinition? GetProcess(ProcessKind kind) =>
        Processes.TryGetValue(kind, out var p) ? p : null;
}
