using Upstart.JobFiles.Loading;
using UpstartHost.Configuration;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.State;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Control;

/// <summary>
/// The daemon's answer to every control request, over the engine, the loaded configuration, the
/// persisted admin state, the job logs and the watch hub. The server calls it only after the handshake,
/// the authorisation check and argument validation (<see cref="RequestArguments"/>) have passed, so it
/// only does the work. Failures are <see cref="UpstartException"/>s whose message is initctl's text.
/// </summary>
public sealed partial class DaemonControl : IControlHandler
{
    /// <summary>initctl version's text, so scripts that parse it keep working; ours follows.</summary>
    public static readonly string VersionText = "init (upstart 1.13.2) upstartps " +
        (typeof(DaemonControl).Assembly.GetName().Version?.ToString(3) ?? "0");

    private readonly IEngineControl engine;
    private readonly JobConfiguration configuration;
    private readonly AdminStateStore adminState;
    private readonly JobLogTail logs;
    private readonly WatchHub watch;
    private readonly LogPriority logPriority;
    private readonly IReadOnlyList<string> daemonEvents;
    private readonly ControlAuthorization authorization;
    private readonly LogReaderSlots logReaders;
    private ListAnswer? lastList;

    /// <param name="daemonEvents">The events the daemon emits itself (at boot and at shutdown): check-config counts them as emitted.</param>
    /// <param name="authorization">The server's policy; here it decides, once the job is known, who may read its log.</param>
    public DaemonControl(
        IEngineControl engine,
        JobConfiguration configuration,
        AdminStateStore adminState,
        JobLogTail logs,
        WatchHub watch,
        LogPriority logPriority,
        IReadOnlyList<string> daemonEvents,
        ControlAuthorization authorization,
        LogReaderSlots? logReaders = null)
    {
        this.logReaders = logReaders ?? new LogReaderSlots();
        this.engine = engine;
        this.configuration = configuration;
        this.adminState = adminState;
        this.logs = logs;
        this.watch = watch;
        this.logPriority = logPriority;
        this.daemonEvents = daemonEvents;
        this.authorization = authorization;
    }

    /// <summary>
    /// notify-disk-writeable: writes out the job output kept while logs could not be written (and the runtime state, if
    /// its write failed); null: none is kept.
    /// </summary>
    public Func<Task<long>>? RetryKeptLogOutput { get; init; }

    public Task<long> NotifyDiskWriteableAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        RetryKeptLogOutput is { } retry ? retry().WaitAsync(cancellationToken) : Task.FromResult(0L);

    /// <summary>Starts a re-exec (the daemon's, in Hosting); null where the daemon cannot re-exec (tests).</summary>
    public Func<bool>? BeginReExec { get; init; }

    public Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken) => Task.FromResult(VersionText);

    /// <summary>re-exec: refused when impossible here or already under way; otherwise started once the reply is out.</summary>
    public Task<Action> PrepareReExecAsync(ClientIdentity client, CancellationToken cancellationToken)
    {
        if (BeginReExec is not { } begin)
        {
            return Task.FromException<Action>(new UpstartException(UpstartErrorCode.BadRequest, "This daemon cannot re-exec"));
        }

        return Task.FromResult<Action>(() => begin());
    }

    public async Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        TryListNow(client) ?? Map(await Engine(() => engine.ListAsync(cancellationToken)).ConfigureAwait(false));

    /// <summary>
    /// list from the engine's published status, with no hop to its thread; null when that is not current. The
    /// answer is kept while the snapshots, the catalog and the admin state it was made of are the same objects (a
    /// publication after messages that moved nothing keeps the snapshots' list): a
    /// monitor polling `list` would otherwise map every job again each time (with 1,000 jobs most of the 1.4 MiB
    /// a poll allocated, and the quiet collection after it; docs/performance.md, "A monitor polling list").
    /// </summary>
    public IReadOnlyList<JobInfo>? TryListNow(ClientIdentity client)
    {
        if (engine.CurrentStatus is not { } now)
        {
            return null;
        }

        var snapshots = now.All;
        var catalog = configuration.Catalog;
        var admin = adminState.Current;
        if (Volatile.Read(ref lastList) is { } last && last.Answers(snapshots, catalog, admin))
        {
            return last.Jobs;
        }

        var jobs = Map(snapshots, catalog, admin);
        Volatile.Write(ref lastList, new ListAnswer(snapshots, catalog, admin, jobs));
        return jobs;
    }

    /// <summary>status: a name, or a pattern; an unknown plain name is `Unknown job: NAME`.</summary>
    public async Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken) =>
        TryStatusNow(client, namePattern, instance)
        ?? Select(namePattern, instance, await Engine(() => engine.StatusAsync(namePattern, null, cancellationToken)).ConfigureAwait(false));

    /// <summary>status from the engine's published status (issue 11); null when that is not current.</summary>
    public IReadOnlyList<JobInfo>? TryStatusNow(ClientIdentity client, string namePattern, string? instance) =>
        engine.CurrentStatus is { } now ? Select(namePattern, instance, now.Status(namePattern, null)) : null;

    /// <summary>
    /// The engine matched the classes only (one lookup for a plain name), so only what is kept is mapped.
    /// An instance is picked here, not by the engine, to tell an unknown job from an unknown instance.
    /// </summary>
    private List<JobInfo> Select(string namePattern, string? instance, IReadOnlyList<JobSnapshot> matching)
    {
        var wildcard = JobNamePattern.IsWildcard(namePattern);
        if (!wildcard && matching.Count == 0)
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {namePattern}");
        }

        // A plain name with several lines is a class with instances: its placeholder "stop/waiting" line is not one.
        var instancesOnly = instance is null && !wildcard && matching.Count > 1;
        var catalog = configuration.Catalog;
        var state = adminState.Current;
        var kept = new List<JobInfo>(matching.Count);
        foreach (var snapshot in matching)
        {
            if (instance is null ? !instancesOnly || snapshot.HasInstance : snapshot.Instance == instance)
            {
                kept.Add(JobInfoMapping.ToInfo(snapshot, catalog.Jobs.GetValueOrDefault(snapshot.Name), state));
            }
        }

        if (instance is not null && !wildcard && kept.Count == 0)
        {
            throw new UpstartException(UpstartErrorCode.UnknownInstance, $"Unknown instance: {instance}");
        }

        return kept;
    }

    /// <summary>start: refused for a disabled job.</summary>
    /// <summary>await: the rest of a waiting start/stop/restart the previous program did before it re-executed.</summary>
    public async Task<JobInfo> AwaitAsync(ClientIdentity client, string kind, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken)
    {
        var requestKind = kind switch
        {
            "start" => RequestKind.Start,
            "stop" => RequestKind.Stop,
            _ => RequestKind.Restart,
        };
        var snapshot = await Engine(() => engine.AwaitAsync(requestKind, job, environment, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    public async Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        RefuseIfDisabled(job);
        var snapshot = await Engine(() => engine.StartAsync(job, environment, wait, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    /// <summary>
    /// stop: Upstart's, and nothing more. Nothing is remembered: the job's next matching event may start it
    /// again, as under Upstart (`stop x; …; emit y` scripts rely on it). `disable` is what keeps a job down.
    /// </summary>
    public async Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        var snapshot = await Engine(() => engine.StopAsync(job, environment, wait, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    public async Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        RefuseIfDisabled(job);
        var snapshot = await Engine(() => engine.RestartAsync(job, environment, wait, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    public async Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken)
    {
        var snapshot = await Engine(() => engine.ReloadAsync(job, environment, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    public Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Engine(() => engine.EmitAsync(eventName, environment, wait, cancellationToken));

    /// <summary>await: the rest of a waiting emit the previous program cut at its re-exec (the event was handed over).</summary>
    public Task AwaitEventAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        Engine(() => engine.AwaitEventAsync(eventName, environment, cancellationToken));

    public async Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken)
    {
        var (diff, catalog) = await Engine(() => configuration.ReloadAsync(dryRun, cancellationToken)).ConfigureAwait(false);
        return new ConfigurationChange(diff.Added, diff.Changed, diff.Removed, [.. catalog.Diagnostics.Select(ToInfo)]);
    }

    /// <summary>Analyses every job's conditions: off the connection's read loop, which must not block.</summary>
    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken) =>
        CheckConfigAsync(client, ignoredEvents, warnAll: false, cancellationToken);

    /// <summary>As initctl's check-config; <paramref name="warnAll"/> is its `-w`.</summary>
    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, bool warnAll, CancellationToken cancellationToken) =>
        Task.Run(() => CheckConfig.Run(configuration.Catalog, daemonEvents, ignoredEvents, warnAll), cancellationToken);

    /// <summary>
    /// Off the read loop too: provenance reads the job file. Anyone may ask, but a job's `env` values and its
    /// commands (passwords, tokens) reach only those who may change jobs, or everyone when the job's files are
    /// world-readable anyway: what a root-only 0600 file holds stays root's, as Upstart's show-config, which
    /// printed neither, left it.
    /// </summary>
    public Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                if (!configuration.Catalog.Jobs.TryGetValue(job, out var config))
                {
                    throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
                }

                var info = JobInfoMapping.ToConfigInfo(config) with { Disabled = adminState.Current.Disabled.Contains(job) };
                return authorization.Refuse(client, ControlOperation.Start) is null || JobFileAccess.EveryoneMayRead(config)
                    ? info
                    : info with { Env = [], Processes = new Dictionary<string, string>(), Withheld = ["env", "processes"] };
            },
            cancellationToken);

    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DiagnosticInfo>>([.. configuration.Diagnostics.Select(ToInfo)]);

    /// <summary>
    /// Disable/enable (persisted). Disabling keeps events and start requests away; with
    /// <paramref name="stopNow"/> it also stops every running instance (`disable --now`), after the mark is
    /// written and applied, so no event can start the job again between the stop and the disable.
    /// Returns the job's instances as they are afterwards.
    /// </summary>
    public async Task<IReadOnlyList<JobInfo>> SetEnabledAsync(ClientIdentity client, string job, bool enabled, bool stopNow, bool wait, CancellationToken cancellationToken)
    {
        // The job must exist to be disabled (a typo must not answer success); one whose file is gone while an
        // instance still runs exists for the engine. Enabling a name with no job is allowed when it is marked, to
        // clean the mark up.
        var cleaningUp = enabled && adminState.Current.Disabled.Contains(job);
        if (!cleaningUp && !configuration.Catalog.Jobs.ContainsKey(job) && !await EngineKnowsAsync(job, cancellationToken).ConfigureAwait(false))
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
        }

        adminState.Update(s => s.WithDisabled(job, !enabled));
        await configuration.ReapplyAsync(cancellationToken).ConfigureAwait(false);
        if (!enabled && stopNow)
        {
            var stopped = await Engine(() => engine.StopInstancesAsync(job, wait, cancellationToken)).ConfigureAwait(false);
            return Map(stopped);
        }

        // An enabled name with no job file (cleaning up a mark) has nothing to show.
        return configuration.Catalog.Jobs.ContainsKey(job)
            ? Map([.. (await Engine(() => engine.StatusAsync(job, null, cancellationToken)).ConfigureAwait(false)).Where(s => s.Name == job)])
            : [];
    }

    /// <summary>Whether the engine has a class of that name (its file may be gone while an instance runs).</summary>
    private async Task<bool> EngineKnowsAsync(string job, CancellationToken cancellationToken)
    {
        try
        {
            return (await Engine(() => engine.StatusAsync(job, null, cancellationToken)).ConfigureAwait(false)).Any(s => s.Name == job);
        }
        catch (UpstartException e) when (e.Code == UpstartErrorCode.UnknownJob)
        {
            return false;
        }
    }

    public Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken)
    {
        if (priority is not null && !logPriority.TrySet(priority))
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, $"Unknown priority: {priority}");
        }

        return Task.FromResult(logPriority.Current);
    }

    /// <summary>
    /// log: the job's own user and administrators by default (<see cref="LogAccess"/>; the job's user is its
    /// `setuid` user as the job file says now, root when it has none). The file read is the one the daemon writes
    /// the instance's output to (<see cref="LogFileName.Resolve"/>), and since a log file name can be several
    /// jobs' (job `web` instance `admin` and job `web-admin`), the caller must be allowed to read the log of every
    /// loaded job it can belong to (<see cref="LogFileClaims"/>), not only the job it named. A log that is a
    /// symbolic link or not a regular file is refused with a clear error rather than read.
    /// </summary>
    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(ClientIdentity client, string job, string? instance, int tail, bool follow, CancellationToken cancellationToken) =>
        ReadLogAsync(client, job, instance, tail, follow, resumeFrom: null, cancellationToken);

    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(ClientIdentity client, string job, string? instance, int tail, bool follow, string? resumeFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        LogResumePoint? from = resumeFrom is null ? null : LogResumePoint.Parse(resumeFrom);
        var catalog = configuration.Catalog;
        if (!catalog.Jobs.TryGetValue(job, out var config))
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
        }

        // A job without an `instance` stanza only ever writes JOB.log: JOB-NAME.log is some other job's (one removed
        // since, so no claimant guards it), which the job's own user must not read by naming an instance.
        if (config.Instance.Length == 0 && !string.IsNullOrEmpty(instance))
        {
            throw new UpstartException(UpstartErrorCode.UnknownInstance, $"Unknown instance: {instance}");
        }

        if (authorization.RefuseLog(client, config.Setuid) is { } refused)
        {
            throw new UpstartException(UpstartErrorCode.AccessDenied, refused);
        }

        var claims = LogFileClaims.Of(catalog);
        if (logs.PathFor(job, instance ?? "", claims) is not { } path)
        {
            // Both of its names are other jobs' logs: the daemon writes none for it (EngineLog.LogNameTaken).
            return AsyncEnumerable.Empty<LogLineInfo>();
        }

        var fileName = Path.GetFileName(path);
        foreach (var other in claims.ClaimantsOf(fileName[..^".log".Length]))
        {
            if (other != job && catalog.Jobs.TryGetValue(other, out var otherConfig) && authorization.RefuseLog(client, otherConfig.Setuid) is { } refusedOther)
            {
                throw new UpstartException(UpstartErrorCode.AccessDenied, $"{refusedOther} ({fileName} may also be the log of job {other})");
            }
        }

        if (JobLogTail.RefusalFor(path) is { } problem)
        {
            throw new UpstartException(UpstartErrorCode.AccessDenied, problem);
        }

        return ReadLogInSlotAsync(client.Uid, path, job, instance ?? "", tail, follow || from is not null, from, cancellationToken);
    }

    private async IAsyncEnumerable<LogLineInfo> ReadLogInSlotAsync(
        uint uid, string path, string job, string instance, int tail, bool follow, LogResumePoint? resume, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var slot = logReaders.Take(uid);
        await foreach (var line in JobLogTail.ReadAsync(path, job, instance, tail, follow, resume, HandoverToken, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    public IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, CancellationToken cancellationToken) =>
        WatchAsync(client, includeHistory, resumeFrom: null, cancellationToken);

    public IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, string? resumeFrom, CancellationToken cancellationToken)
    {
        if (resumeFrom is not null && resumeFrom != WatchHub.ResumeToken)
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, "malformed resume point for a watch");
        }

        return watch.SubscribeAsync(includeHistory, resumeFrom is not null, HandoverToken, cancellationToken);
    }

    /// <summary>Streams end with a resume point once this fires (re-exec); none where the daemon never hands over (tests).</summary>
    public StreamHandover? Handover { get; init; }

    private CancellationToken HandoverToken => Handover?.Token ?? CancellationToken.None;

    public static UpstartErrorCode ToCode(EngineError error) => error switch
    {
        EngineError.UnknownJob => UpstartErrorCode.UnknownJob,
        EngineError.UnknownInstance => UpstartErrorCode.UnknownInstance,
        EngineError.AlreadyRunning => UpstartErrorCode.AlreadyRunning,
        EngineError.AlreadyStopped => UpstartErrorCode.AlreadyStopped,
        EngineError.JobFailedToStart => UpstartErrorCode.JobFailedToStart,
        EngineError.JobFailedWhileStopping => UpstartErrorCode.JobFailedWhileStopping,
        EngineError.JobNotRunning => UpstartErrorCode.JobNotRunning,
        EngineError.EventFailed => UpstartErrorCode.EventFailed,
        EngineError.UnknownParameter => UpstartErrorCode.UnknownParameter,
        EngineError.BadInstanceName => UpstartErrorCode.BadEnvironment,
        EngineError.ShuttingDown => UpstartErrorCode.ShuttingDown,
        EngineError.CheckFailed => UpstartErrorCode.CheckFailed,
        EngineError.CheckInProgress => UpstartErrorCode.CheckInProgress,
        EngineError.EnvironmentTooLarge => UpstartErrorCode.BadEnvironment,
        _ => UpstartErrorCode.Unknown,
    };

    private void RefuseIfDisabled(string job)
    {
        if (adminState.Current.Disabled.Contains(job))
        {
            throw new UpstartException(UpstartErrorCode.JobFailedToStart, $"Job is disabled: {job} (enable it first)");
        }
    }

    private static DiagnosticInfo ToInfo(Upstart.JobFiles.Diagnostics.Diagnostic d) =>
        new(d.Path, d.Line, d.Column, d.Kind, d.Message, d.Severity == Upstart.JobFiles.Diagnostics.DiagnosticSeverity.Error ? "error" : "warning");

    private static async Task<T> Engine<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (EngineException e) when (e.Check is { } check)
        {
            throw new UpstartException(e.Message, CheckFailureMapping.ToInfo(check), e);
        }
        catch (EngineException e)
        {
            throw new UpstartException(ToCode(e.Error), e.Message, e);
        }
    }

    private static async Task Engine(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            throw new UpstartException(ToCode(e.Error), e.Message, e);
        }
    }

    private JobInfo[] Map(IReadOnlyList<JobSnapshot> snapshots) => Map(snapshots, configuration.Catalog, adminState.Current);

    private static JobInfo[] Map(IReadOnlyList<JobSnapshot> snapshots, JobCatalog catalog, AdminState state)
    {
        var infos = new JobInfo[snapshots.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            infos[i] = JobInfoMapping.ToInfo(snapshots[i], catalog.Jobs.GetValueOrDefault(snapshots[i].Name), state);
        }

        return infos;
    }

    private JobInfo Map(JobSnapshot s) =>
        JobInfoMapping.ToInfo(s, configuration.Catalog.Jobs.GetValueOrDefault(s.Name), adminState.Current);

    /// <summary>A list answer and what it was made of (compared by reference: each is replaced, never changed).</summary>
    private sealed record ListAnswer(IReadOnlyList<JobSnapshot> Snapshots, JobCatalog Catalog, AdminState Admin, JobInfo[] Jobs)
    {
        public bool Answers(IReadOnlyList<JobSnapshot> snapshots, JobCatalog catalog, AdminState admin) =>
            ReferenceEquals(Snapshots, snapshots) && ReferenceEquals(Catalog, catalog) && ReferenceEquals(Admin, admin);
    }
}
