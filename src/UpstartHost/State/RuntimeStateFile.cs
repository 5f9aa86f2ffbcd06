using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes;

namespace UpstartHost.State;

/// <summary>
/// `STATE_DIR/instances.json`: every instance that is not waiting, with its processes' pids and start
/// times, so that the next daemon of this boot resumes them instead of starting copies. Replaced by
/// rename (never torn) but not fsync'd: a daemon crash keeps the page cache, and a power loss that could
/// lose the write also ends every process it describes (the boot id then no longer matches).
/// The state directory is the daemon's own (0700), and what is read back is still checked.
/// </summary>
public static class RuntimeStateFile
{
    public const string FileName = "instances.json";

    /// <summary>Far above any real state (1,000 instances with large environments are a few MiB).</summary>
    private const long MaxBytes = 64L << 20;

    internal const int FormatVersion = 1;

    /// <summary>The file's names for <see cref="EventHoldKind"/>, in its order.</summary>
    private static readonly string[] HoldKindNames = ["start-on", "stop-on", "job", "blocks"];

    /// <summary>The file's names for <see cref="RequestKind"/> (the requests' ops), in its order.</summary>
    private static readonly string[] RequestKindNames = ["start", "stop", "restart"];

    /// <summary>Two paths and two prints (<c>JobFingerprint</c>); anything longer was not written by a daemon.</summary>
    private const int MaxFingerprintLength = 2 * 4096 + 80;

    /// <summary>This boot's id (/proc/sys/kernel/random/boot_id): start times count from boot.</summary>
    public static string CurrentBootId { get; } = ReadBootId();

    public static string PathIn(string stateDir) => Path.Combine(stateDir, FileName);

    /// <summary>Serialises a snapshot; start times already known by pid are reused, the others read from /proc.</summary>
    /// <param name="logChannels">Re-exec only: the `console log` pty masters left open for the next program, with their store names.</param>
    /// <param name="jobEnvironment">The global job environment table, when set-env and friends changed it (null: the defaults).</param>
    /// <param name="keptOutput">Re-exec only: job output kept because its log could not be written yet (null or empty: none).</param>
    /// <param name="underWay">The events not yet finished, with their holds (every write), and the requests waiting on instances (a re-exec's only); null: none.</param>
    public static byte[] Serialize(
        IReadOnlyList<InstanceRecord> records,
        Dictionary<int, ulong> startTimes,
        DateTimeOffset writtenUtc,
        IReadOnlyList<LogChannel>? logChannels = null,
        IReadOnlyList<string>? jobEnvironment = null,
        IReadOnlyList<KeptLogOutput>? keptOutput = null,
        WorkUnderWay? underWay = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(startTimes);
        var seen = new HashSet<int>();
        var instances = new InstanceEntry[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            instances[i] = ToEntry(records[i], startTimes, seen);
        }

        ForgetStartTimesExcept(startTimes, seen);
        var file = new StateFileEntry(
            FormatVersion, CurrentBootId, writtenUtc, Environment.ProcessId, instances, ToEntries(logChannels), jobEnvironment?.ToArray(), ToEntries(keptOutput), ToEntries(underWay?.Events), ToEntries(underWay?.Waits));
        return JsonSerializer.SerializeToUtf8Bytes(file, RuntimeStateJsonContext.Default.StateFileEntry);
    }

    /// <summary>One record as the file has it; its pids join <paramref name="seen"/>, their start times are read from /proc once.</summary>
    internal static InstanceEntry ToEntry(InstanceRecord r, Dictionary<int, ulong> startTimes, HashSet<int> seen)
    {
        var processes = new ProcessEntry[r.Processes.Count];
        for (var p = 0; p < processes.Length; p++)
        {
            var pid = r.Processes[p].Pid;
            seen.Add(pid);
            if (!startTimes.TryGetValue(pid, out var start))
            {
                // Our own children until reaped, so the pid cannot have been reused yet; 0 when gone already.
                start = ProcStat.Read(pid)?.StartTime ?? 0;
                startTimes[pid] = start;
            }

            processes[p] = new ProcessEntry(r.Processes[p].Kind.ToUpstartName(), pid, start);
        }

        return new InstanceEntry(
            r.Job, r.Instance, r.Goal.ToUpstartName(), r.State.ToUpstartName(), processes,
            r.RespawnCount, r.RespawnWindowAgeSeconds, ToEntry(r.Backoff), [.. r.Environment],
            r.StopEnvironment is { } stop ? [.. stop] : null, r.Cgroup, r.MainWasKilled ? true : null, r.Fingerprint, r.SinceUtc);
    }

    /// <summary>Start times are kept for the pids the last snapshot named, no others.</summary>
    internal static void ForgetStartTimesExcept(Dictionary<int, ulong> startTimes, HashSet<int> seen)
    {
        foreach (var pid in startTimes.Keys.Where(p => !seen.Contains(p)).ToList())
        {
            startTimes.Remove(pid);
        }
    }

    internal static KeptOutputEntry[]? ToEntries(IReadOnlyList<KeptLogOutput>? kept) =>
        kept is { Count: > 0 } ? [.. kept.Select(k => new KeptOutputEntry(k.Path, k.Time, k.Data.ToArray()))] : null;

    internal static EventEntry[]? ToEntries(IReadOnlyList<EventRecord>? events) =>
        events is { Count: > 0 }
            ? [.. events.Select(e => new EventEntry(
                e.Id, e.Name, [.. e.Environment], e.Handled, e.Failed ? true : null, e.Waiters > 0 ? e.Waiters : null,
                [.. e.Holds.Select(h => new EventHoldEntry(HoldKindNames[(int)h.Kind], h.Job, h.Instance, h.Condition, h.Operand >= 0 ? h.Operand : null))]))]
            : null;

    internal static RequestWaitEntry[]? ToEntries(IReadOnlyList<RequestWaitRecord>? waits) =>
        waits is { Count: > 0 } ? [.. waits.Select(w => new RequestWaitEntry(w.Job, w.Instance, RequestKindNames[(int)w.Kind], w.Count))] : null;

    internal static LogChannelEntry[]? ToEntries(IReadOnlyList<LogChannel>? logChannels) =>
        logChannels?.Select(c => new LogChannelEntry(c.Fd, c.Path, c.StoreName)).ToArray();

    /// <summary>Writes beside the file and renames over it, so a reader sees the old or the new state.</summary>
    public static void Write(string stateDir, ReadOnlySpan<byte> bytes) => ReplacedFile.Write(PathIn(stateDir), bytes);

    public static void Delete(string stateDir)
    {
        File.Delete(PathIn(stateDir));
    }

    /// <summary>
    /// Reads the file left by an earlier daemon of this boot. Null when there is none (a clean stop deletes
    /// it) or it belongs to another boot; throws <see cref="InvalidDataException"/> when it is unreadable.
    /// </summary>
    public static RecordedState? Read(string stateDir, DateTimeOffset nowUtc)
    {
        var path = PathIn(stateDir);
        byte[] bytes;
        try
        {
            if (new FileInfo(path).Length > MaxBytes)
            {
                throw new InvalidDataException("larger than " + MaxBytes + " bytes");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        StateFileEntry file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, RuntimeStateJsonContext.Default.StateFileEntry)
                ?? throw new InvalidDataException("empty document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        if (file.Version != FormatVersion)
        {
            throw new InvalidDataException("format version " + file.Version.ToString(CultureInfo.InvariantCulture));
        }

        if (file.BootId != CurrentBootId)
        {
            return null;
        }

        var records = new List<InstanceRecord>(file.Instances?.Length ?? 0);
        foreach (var e in file.Instances ?? [])
        {
            if (ToRecord(e) is { } record)
            {
                records.Add(record);
            }
        }

        var age = Math.Max(0, (long)Math.Floor((nowUtc - file.WrittenUtc).TotalSeconds));
        var logChannels = (file.LogChannels ?? [])
            .Where(c => c.Fd > 2 && c.Path is { Length: > 0 })
            .Select(c => new LogChannel(c.Fd, c.Path!, c.StoreName is { } name && LogChannelName.IsValidFdName(name) ? name : null))
            .ToList();
        var kept = (file.KeptOutput ?? [])
            .Where(k => k.Path is { Length: > 0 } && k.Data is { Length: > 0 })
            .Select(k => new KeptLogOutput(k.Path!, k.Time, k.Data))
            .ToList();
        return new RecordedState(records, age, file.DaemonPid, logChannels, ValidJobEnvironment(file.JobEnvironment), kept, new WorkUnderWay(ToRecords(file.Events), ToRecords(file.Waits)));
    }

    /// <summary>
    /// The recorded events, or none when any entry does not read as a daemon writes it (a damaged or hand-edited
    /// file): then the instances waiting on them move on as after a crash, and no hold is put back half.
    /// </summary>
    private static List<EventRecord> ToRecords(EventEntry[]? events)
    {
        var records = new List<EventRecord>(events?.Length ?? 0);
        var ids = new HashSet<long>();
        foreach (var e in events ?? [])
        {
            if (e is null || e.Id <= 0 || !ids.Add(e.Id) || !UpstartPS.Protocol.RequestArguments.IsEventName(e.Name)
                || e.Environment is null || !e.Environment.All(UpstartPS.Protocol.RequestArguments.IsEnvironmentEntry)
                || e.Waiters is < 0 || ToRecords(e.Holds) is not { } holds)
            {
                return [];
            }

            records.Add(new EventRecord(e.Id, e.Name!, e.Environment, e.Handled, e.Failed == true, e.Waiters ?? 0, holds));
        }

        return records;
    }

    /// <summary>The recorded request waits; an entry that does not read as written is dropped alone (its client's await then waits on the instance as it is).</summary>
    private static List<RequestWaitRecord> ToRecords(RequestWaitEntry[]? waits)
    {
        var records = new List<RequestWaitRecord>(waits?.Length ?? 0);
        foreach (var w in waits ?? [])
        {
            var kind = w is null ? -1 : Array.IndexOf(RequestKindNames, w.Kind);
            if (kind >= 0 && w!.Job is not null && w.Instance is not null && w.Count is > 0 and <= MaxWaitsPerEntry)
            {
                records.Add(new RequestWaitRecord(w.Job, w.Instance, (RequestKind)kind, w.Count));
            }
        }

        return records;
    }

    /// <summary>Far above the clients one instance can have waiting; a count beyond it was not written by a daemon.</summary>
    private const int MaxWaitsPerEntry = 1 << 16;

    private static List<EventHoldRecord>? ToRecords(EventHoldEntry[]? holds)
    {
        var records = new List<EventHoldRecord>(holds?.Length ?? 0);
        foreach (var h in holds ?? [])
        {
            var kind = h is null ? -1 : Array.IndexOf(HoldKindNames, h.Kind);
            if (kind < 0 || h!.Job is null)
            {
                return null;
            }

            var operandHold = (EventHoldKind)kind is EventHoldKind.StartOn or EventHoldKind.StopOn;
            if ((operandHold && (h.Condition is null || h.Operand is not >= 0)) || ((EventHoldKind)kind != EventHoldKind.StartOn && h.Instance is null))
            {
                return null;
            }

            records.Add(new EventHoldRecord((EventHoldKind)kind, h.Job, h.Instance, h.Condition, h.Operand ?? -1));
        }

        return records;
    }

    /// <summary>
    /// The recorded global table, or null when there is none or any entry is not VAR=VALUE with a name set-env
    /// would take (a hand-edited or damaged file): then the next program starts from its defaults, as at boot.
    /// </summary>
    private static string[]? ValidJobEnvironment(string[]? table)
    {
        if (table is null)
        {
            return null;
        }

        foreach (var entry in table)
        {
            if (entry is null || entry.IndexOf('=', StringComparison.Ordinal) <= 0 || UpstartPS.Protocol.RequestArguments.SetEnvironmentProblem(entry) is not null)
            {
                return null;
            }
        }

        return table;
    }

    private static InstanceRecord? ToRecord(InstanceEntry e)
    {
        if (e.Job is null || e.Instance is null || e.Environment is null
            || !JobGoalNames.TryParse(e.Goal ?? "", out var goal) || !JobStateNames.TryParse(e.State ?? "", out var state))
        {
            return null;
        }

        var processes = new List<ProcessRecord>();
        foreach (var p in e.Processes ?? [])
        {
            if (!ProcessKindNames.TryParse(p.Kind ?? "", out var kind) || p.Pid <= 1)
            {
                return null;
            }

            processes.Add(new ProcessRecord(kind, p.Pid, p.StartTime));
        }

        return new InstanceRecord(
            e.Job, e.Instance, goal, state, processes, Math.Max(0, e.RespawnCount),
            e.RespawnWindowAgeSeconds is >= 0 ? e.RespawnWindowAgeSeconds : null,
            e.Environment, e.StopEnvironment, ToRecord(e.Backoff), IsPlausibleCgroup(e.Cgroup) ? e.Cgroup : null,
            e.MainWasKilled == true, e.Fingerprint is { Length: <= MaxFingerprintLength } print ? print : null, e.Since);
    }

    /// <summary>
    /// A cgroup path is kept only if it is an absolute path of sane length without NUL; whether it is one of
    /// this daemon's cgroups, and this instance's, is for <c>JobCgroups.Resume</c>, which knows its directory.
    /// </summary>
    private static bool IsPlausibleCgroup(string? path) =>
        path is { Length: > 1 and <= 4096 } && path[0] == '/' && !path.Contains('\0', StringComparison.Ordinal);

    private static BackoffEntry? ToEntry(BackoffRecord? b) =>
        b is null ? null : new BackoffEntry((long)b.LastDelay.TotalMilliseconds, b.Planned, b.MainStartedUtc, b.DueUtc);

    /// <summary>
    /// A wait outside what `respawn delay` allows drops the back-off alone (the instance still resumes, as
    /// if it had never waited): the engine clamps what is left of a wait to the wait itself, so a bound on
    /// the wait bounds every timer a file can ask for.
    /// </summary>
    private static BackoffRecord? ToRecord(BackoffEntry? b) =>
        b is { LastDelayMs: > 0 } && b.LastDelayMs <= (long)RespawnDelay.Limit.TotalMilliseconds
            ? new BackoffRecord(TimeSpan.FromMilliseconds(b.LastDelayMs), b.Planned, b.MainStartedUtc, b.DueUtc)
            : null;

    private static string ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}

/// <summary>What <see cref="RuntimeStateFile.Read"/> found: the records, how old they are, and who wrote them.</summary>
/// <param name="LogChannels">Pty masters a re-exec left open in this process (meaningful only when <paramref name="DaemonPid"/> is ours).</param>
/// <param name="JobEnvironment">The global job environment table as set-env and friends left it; null: the defaults.</param>
/// <param name="KeptOutput">Job output a re-exec handed over because its log could not be written yet (meaningful only when <paramref name="DaemonPid"/> is ours).</param>
/// <param name="UnderWay">The events not yet finished (with every write, so after a crash too) and the requests waiting on instances (a re-exec's only: meaningful when <paramref name="DaemonPid"/> is ours).</param>
public sealed record RecordedState(
    IReadOnlyList<InstanceRecord> Instances,
    long AgeSeconds,
    int DaemonPid,
    IReadOnlyList<LogChannel> LogChannels,
    IReadOnlyList<string>? JobEnvironment = null,
    IReadOnlyList<KeptLogOutput>? KeptOutput = null,
    WorkUnderWay? UnderWay = null)
{
    /// <summary>Written by this very process before it re-exec'd: its children and descriptors are still ours.</summary>
    public bool IsOwnReExec => DaemonPid == Environment.ProcessId;
}

internal sealed record StateFileEntry(
    int Version,
    string BootId,
    DateTimeOffset WrittenUtc,
    int DaemonPid,
    InstanceEntry[]? Instances,
    LogChannelEntry[]? LogChannels,
    string[]? JobEnvironment = null,
    KeptOutputEntry[]? KeptOutput = null,
    EventEntry[]? Events = null,
    RequestWaitEntry[]? Waits = null);

/// <summary><see cref="RequestWaitRecord"/> in the file: `job`, `instance`, `kind` (start, stop, restart), `count`.</summary>
internal sealed record RequestWaitEntry(string? Job, string? Instance, string? Kind, int Count);

/// <summary>
/// <see cref="EventRecord"/> in the file: `id`, `name`, `environment`, `handled`, `failed` and `waiters` (left out
/// when false or 0), `holds`.
/// </summary>
internal sealed record EventEntry(long Id, string? Name, string[]? Environment, bool Handled, bool? Failed, int? Waiters, EventHoldEntry[]? Holds);

/// <summary>
/// <see cref="EventHoldRecord"/> in the file: `kind` (start-on, stop-on, job, blocks), `job`, `instance` (all but
/// start-on), and for start-on and stop-on `condition` and `operand`.
/// </summary>
internal sealed record EventHoldEntry(string? Kind, string? Job, string? Instance, string? Condition, int? Operand);

/// <summary>One chunk of <see cref="KeptLogOutput"/> in the file: the log path, the time it left the job, the bytes (base64).</summary>
internal sealed record KeptOutputEntry(string? Path, DateTimeOffset Time, byte[]? Data);

internal sealed record LogChannelEntry(int Fd, string? Path, string? StoreName = null);

internal sealed record InstanceEntry(
    string? Job,
    string? Instance,
    string? Goal,
    string? State,
    ProcessEntry[]? Processes,
    int RespawnCount,
    long? RespawnWindowAgeSeconds,
    BackoffEntry? Backoff,
    string[]? Environment,
    string[]? StopEnvironment,
    string? Cgroup,
    bool? MainWasKilled,
    string? Fingerprint = null,
    DateTimeOffset? Since = null);

/// <summary>
/// <see cref="BackoffRecord"/> in the file: `lastDelayMs` (the last wait, whole milliseconds as
/// `respawn delay` allows), `planned`, `mainStartedUtc` and `dueUtc` (set while the wait is in progress).
/// </summary>
internal sealed record BackoffEntry(long LastDelayMs, bool Planned, DateTimeOffset? MainStartedUtc, DateTimeOffset? DueUtc);

internal sealed record ProcessEntry(string? Kind, int Pid, ulong StartTime);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StateFileEntry))]
internal sealed partial class RuntimeStateJsonContext : JsonSerializerContext;
