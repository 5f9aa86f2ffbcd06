using System.Collections.Immutable;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Parsing;

/// <summary>
/// The mutable job class the stanza handlers fill, like Upstart's JobClass while parse_job runs. An
/// override is parsed into a builder seeded from the finished conf (<see cref="From"/>), so lists append
/// and scalars replace exactly as they do in Upstart.
/// </summary>
internal sealed class JobClassBuilder
{
    public string? Description;
    public string? Author;
    public string? Version;
    public string? Usage;
    public string Instance = "";
    public readonly List<string> Env = [];
    public readonly List<string> Export = [];
    public readonly List<string> Emits = [];
    public EventExpression? StartOn;
    public EventExpression? StopOn;
    public bool Task;
    public bool Respawn;
    public int RespawnCount;
    public long RespawnInterval;
    public RespawnDelay? RespawnDelay;
    public readonly List<ExitStatus> NormalExit = [];
    public readonly Dictionary<ProcessKind, ProcessDefinition> Processes = [];
    public ExpectMode Expect;
    public long KillTimeout;
    public int KillSignal;
    public int ReloadSignal;
    public ConsoleMode Console;
    public uint Umask;
    public int? Nice;
    public int OomScore;
    public readonly Dictionary<ResourceKind, ResourceLimit> Limits = [];
    public string? Chroot;
    public string? Chdir;
    public string? Setuid;
    public string? Setgid;
    public string? AppArmorSwitch;

    /// <summary>The apparmor load profile; also stored as the security process (`apparmor_parser -r -W PATH`).</summary>
    public string? AppArmorLoad;
    public readonly CgroupTable Cgroups = new();
    public bool Debug;

    /// <summary>
    /// While an override is read: the settings it made (<see cref="Stanzas.StanzaTable.SettingName"/>),
    /// so provenance needs no second read of the conf. Null while a conf is read.
    /// </summary>
    public List<string>? OverrideSettings;

    /// <summary>
    /// Where the files use stanzas Upstart 1.13 does not know (<see cref="JobClassConfig.BeyondUpstart"/>);
    /// null until the first, so a typical file allocates nothing for it.
    /// </summary>
    public List<StanzaLocation>? BeyondUpstart;

    /// <summary>The defaults: JobClassConfig's, the one place they are written down.</summary>
    private static readonly JobClassConfig Defaults = new() { Name = "" };

    private JobClassBuilder()
    {
    }

    /// <summary>A builder for a .conf: every field at its default.</summary>
    public static JobClassBuilder ForConf() => Seed(Defaults);

    /// <summary>A builder for an .override on top of <paramref name="config"/>; it records the settings it makes.</summary>
    public static JobClassBuilder From(JobClassConfig config)
    {
        var b = Seed(config);
        b.OverrideSettings = [.. config.OverrideSettings];
        return b;
    }

    private static JobClassBuilder Seed(JobClassConfig config)
    {
        var b = new JobClassBuilder
        {
            Description = config.Description,
            Author = config.Author,
            Version = config.Version,
            Usage = config.Usage,
            Instance = config.Instance,
            StartOn = config.StartOn,
            StopOn = config.StopOn,
            Task = config.Task,
            Respawn = config.Respawn,
            RespawnCount = config.RespawnLimit.Count,
            RespawnInterval = config.RespawnLimit.IntervalSeconds,
            RespawnDelay = config.RespawnDelay,
            Expect = config.Expect,
            KillTimeout = config.KillTimeout,
            KillSignal = config.KillSignal,
            ReloadSignal = config.ReloadSignal,
            Console = config.Console,
            Umask = (uint)config.Umask,
            Nice = config.Nice,
            OomScore = config.OomScore,
            Chroot = config.Chroot,
            Chdir = config.Chdir,
            Setuid = config.Setuid,
            Setgid = config.Setgid,
            AppArmorSwitch = config.AppArmorSwitch,
            AppArmorLoad = config.AppArmorLoad,
            Debug = config.Debug,
        };

        // Guarded: AddRange boxes an ImmutableArray, and a conf starts with every list empty.
        if (!config.Env.IsEmpty)
        {
            b.Env.AddRange(config.Env);
        }

        if (!config.Export.IsEmpty)
        {
            b.Export.AddRange(config.Export);
        }

        if (!config.Emits.IsEmpty)
        {
            b.Emits.AddRange(config.Emits);
        }

        if (!config.NormalExit.IsEmpty)
        {
            b.NormalExit.AddRange(config.NormalExit);
        }

        foreach (var (kind, process) in config.Processes)
        {
            b.Processes[kind] = process;
        }

        foreach (var (kind, limit) in config.Limits)
        {
            b.Limits[kind] = limit;
        }

        foreach (var setting in config.Cgroups)
        {
            b.Cgroups.Add(setting.Controller, setting.Name, setting.Key, setting.Value);
        }

        if (!config.BeyondUpstart.IsEmpty)
        {
            b.BeyondUpstart = [.. config.BeyondUpstart];
        }

        return b;
    }

    public JobClassConfig Build(string name, string? sourcePath, string? overridePath) => new()
    {
        Name = name,
        SourcePath = sourcePath,
        OverridePath = overridePath,
        Description = Description,
        Author = Author,
        Version = Version,
        Usage = Usage,
        Instance = Instance,
        Env = [.. Env],
        Export = [.. Export],
        Emits = [.. Emits],
        StartOn = StartOn,
        StopOn = StopOn,
        Task = Task,
        Respawn = Respawn,
        RespawnLimit = new RespawnLimit(RespawnCount, RespawnInterval),
        RespawnDelay = RespawnDelay,
        NormalExit = [.. NormalExit],
        Processes = Processes.ToImmutableDictionary(),
        Expect = Expect,
        KillTimeout = KillTimeout,
        KillSignal = KillSignal,
        ReloadSignal = ReloadSignal,
        Console = Console,
        Umask = (int)Umask,
        Nice = Nice,
        OomScore = OomScore,
        Limits = Limits.ToImmutableDictionary(),
        Chroot = Chroot,
        Chdir = Chdir,
        Setuid = Setuid,
        Setgid = Setgid,
        AppArmorLoad = AppArmorLoad,
        AppArmorSwitch = AppArmorSwitch,
        Cgroups = Cgroups.ToImmutable(),
        Debug = Debug,
        OverrideSettings = OverrideSettings is null ? [] : [.. OverrideSettings],
        BeyondUpstart = BeyondUpstart is null ? [] : [.. BeyondUpstart],
    };
}
