using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>
/// One job instance (or a job with no instance: Goal "stop", State "waiting") as Get-UpstartJob emits it.
/// Flat on purpose: PowerShell remoting serialises to depth 1, so every property is a scalar or a
/// string array and Goal/State are strings, so `Where-Object State -eq running` works locally and on
/// the Deserialized.UpstartPS.UpstartJob that comes back from Invoke-Command.
/// </summary>
#pragma warning disable CA1036 // IComparable is for Sort-Object's default order; two reads of one job are not "equal" objects.
public sealed class UpstartJob : IComparable<UpstartJob>, IComparable
#pragma warning restore CA1036
{
    internal UpstartJob(JobInfo info)
    {
        Name = info.Name;
        Instance = info.Instance;
        Goal = info.Goal;
        State = info.State;
        Since = info.Since?.LocalDateTime;
        Description = info.Description;
        StartOn = info.StartOn;
        StopOn = info.StopOn;
        IsTask = info.IsTask;
        RespawnCount = info.RespawnCount;
        NextRespawn = info.NextRespawn?.LocalDateTime;
        LastFailure = info.LastFailure;
        ConfigPath = info.ConfigPath;
        ConfigurationChanged = info.ConfigChanged;
        Disabled = info.Disabled;
        HasInstance = info.HasInstance;
        Processes = string.Join(' ', info.Processes.Select(p => $"{p.Kind}:{p.Pid}"));
        MainPid = PidOf(info, "main");
        PreStartPid = PidOf(info, "pre-start");
        PostStartPid = PidOf(info, "post-start");
        PreStopPid = PidOf(info, "pre-stop");
        PostStopPid = PidOf(info, "post-stop");
    }

    public string Name { get; }

    /// <summary>Empty for a single-instance job, as initctl shows it.</summary>
    public string Instance { get; }

    /// <summary>"start" or "stop".</summary>
    public string Goal { get; }

    /// <summary>Upstart's state name: waiting, starting, pre-start, spawned, post-start, running, pre-stop, stopping, killed, post-stop.</summary>
    public string State { get; }

    /// <summary>
    /// Beyond Upstart: when the instance entered <see cref="State"/>, in local time (a DateTime, which remoting keeps
    /// typed), so a running job says since when: a respawn or a restart moves it, a daemon re-exec does not. On the
    /// row of a job with no instance, when its last instance ended (a task's last run); null when none has since
    /// the daemon started, or from a daemon too old to say.
    /// </summary>
    public DateTime? Since { get; }

    public int? MainPid { get; }

    /// <summary>
    /// The main process, under the name PowerShell users reach for (Win32_Service.ProcessId) and the one the
    /// table's column shows, so `Select-Object ProcessId` and `Where-Object ProcessId` work as the view reads.
    /// </summary>
    public int? ProcessId => MainPid;
    public int? PreStartPid { get; }
    public int? PostStartPid { get; }
    public int? PreStopPid { get; }
    public int? PostStopPid { get; }

    /// <summary>
    /// Every live process as "main:123 pre-start:456" (initctl status prints the same pairs): one string, so
    /// Export-Csv and Format-Table show the processes rather than "System.String[]".
    /// </summary>
    public string Processes { get; }

    public string? Description { get; }
    public string? StartOn { get; }
    public string? StopOn { get; }
    public bool IsTask { get; }
    public int RespawnCount { get; }

    /// <summary>
    /// Beyond Upstart: while a respawn waits for its back-off (`respawn delay`; Goal start, State post-stop),
    /// when the next attempt is due, in local time like UpstartEvent.Time (a DateTime, which remoting keeps
    /// typed); null otherwise.
    /// </summary>
    public DateTime? NextRespawn { get; }

    /// <summary>"main status=1", "pre-start signal=KILL", "respawn", or null when the job never failed.</summary>
    public string? LastFailure { get; }

    public string? ConfigPath { get; }

    /// <summary>
    /// A configuration reload (Update-UpstartConfiguration, or the daemon's own re-read after an edit) has a newer
    /// definition (or the file's deletion) waiting: this live instance still runs the old one, and the new one applies
    /// at the next start. An edit not yet reloaded does not set it.
    /// </summary>
    public bool ConfigurationChanged { get; }

    /// <summary>Disabled by Disable-UpstartJob (persisted): events do not start it and Start-UpstartJob is refused.</summary>
    public bool Disabled { get; }

    /// <summary>True when this object is a live instance (any goal or state); false for the row of a job with no instance (never started, or stopped and gone).</summary>
    public bool HasInstance { get; }

    /// <summary>"ssh" or "tty (tty1)": the target text used in confirmation prompts and messages.</summary>
    public override string ToString() => Instance.Length == 0 ? Name : $"{Name} ({Instance})";

    public int CompareTo(UpstartJob? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byName = string.CompareOrdinal(Name, other.Name);
        return byName != 0 ? byName : string.CompareOrdinal(Instance, other.Instance);
    }

    public int CompareTo(object? obj) => obj is UpstartJob job ? CompareTo(job) : 1;

    private static int? PidOf(JobInfo info, string kind) =>
        info.Processes.FirstOrDefault(p => p.Kind == kind) is { } process ? process.Pid : null;
}
