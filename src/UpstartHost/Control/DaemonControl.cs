using System.Runtime.CompilerServices;
using Upstart.JobFiles.Loading;
using UpstartHost.Configuration;
using UpstartHost.Engine;
using UpstartHost.Hosting;
using UpstartHost.State;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Control;

/// <summary>
/// Every control operation, over the engine, the loaded configuration, the persisted admin state, the
/// job logs and the watch hub. Failures are <see cref="UpstartException"/>s whose message is initctl's
/// text. Authorisation is decided before a request gets here.
/// </summary>
public sealed class DaemonControl
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
    private readonly DaemonSettings settings;

    public DaemonControl(
        IEngineControl engine,
        JobConfiguration configuration,
        AdminStateStore adminState,
        JobLogTail logs,
        WatchHub watch,
        LogPriority logPriority,
        DaemonSettings settings)
    {
        this.engine = engine;
        this.configuration = configuration;
        this.adminState = adminState;
        this.logs = logs;
        this.watch = watch;
        this.logPriority = logPriority;
        this.settings = settings;
    }

    public async Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshots = await Engine(() => engine.ListAsync(cancellationToken)).ConfigureAwait(false);
        return Map(snapshots);
    }

    /// <summary>status: a name, or a pattern; an unknown plain name is `Unknown job: NAME`.</summary>
    public async Task<IReadOnlyList<JobInfo>> StatusAsync(string namePattern, string? instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        var pattern = new JobNamePattern(namePattern);
        var wildcard = pattern.HasWildcards;

        // The engine's own query snapshots only the matching classes (one lookup for a plain name); the
        // list-and-filter route is for an engine without it. Either way only the matches are mapped.
        var matching = engine is IEngineStatusQuery query
            ? [.. await Engine(() => query.StatusAsync(namePattern, null, cancellationToken)).ConfigureAwait(false)]
            : (await Engine(() => engine.ListAsync(cancellationToken)).ConfigureAwait(false))
                .Where(j => pattern.IsMatch(j.Name)).ToList();
        if (!wildcard && matching.Count == 0)
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {namePattern}");
        }

        if (instance is not null)
        {
            matching = [.. matching.Where(j => j.Instance == instance)];
            if (!wildcard && matching.Count == 0)
            {
                throw new UpstartException(UpstartErrorCode.UnknownInstance, $"Unknown instance: {instance}");
            }
        }
        else if (!wildcard && matching.Count > 1)
        {
            // A class with instances: the placeholder "stop/waiting" line is not an instance.
            matching = [.. matching.Where(j => j.HasInstance)];
        }

        return Map(matching);
    }

    /// <summary>start: refused for a disabled job; clears an admin stop (the administrator changed their mind).</summary>
    public async Task<JobInfo> StartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var state = adminState.Current;
        if (state.Disabled.Contains(job))
        {
            throw new UpstartException(UpstartErrorCode.JobFailedToStart, $"Job is disabled: {job} (enable it first)");
        }

        if (state.Stopped.Contains(job))
        {
            adminState.Update(s => s.WithStopped(job, false));
            await configuration.ReapplyAsync(cancellationToken).ConfigureAwait(false);
        }

        var snapshot = await Engine(() => engine.StartAsync(job, environment, wait, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    /// <summary>stop: remembered (persisted) so neither events nor a reboot start the job again until an administrator does.</summary>
    public async Task<JobInfo> StopAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var snapshot = await Engine(() => engine.StopAsync(job, environment, wait, cancellationToken)).ConfigureAwait(false);
        if (!adminState.Current.Stopped.Contains(job))
        {
            adminState.Update(s => s.WithStopped(job, true));
            await configuration.ReapplyAsync(cancellationToken).ConfigureAwait(false);
        }

        return Map(snapshot);
    }

    public async Task<JobInfo> RestartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (adminState.Current.Disabled.Contains(job))
        {
            throw new UpstartException(UpstartErrorCode.JobFailedToStart, $"Job is disabled: {job} (enable it first)");
        }

        var snapshot = await Engine(() => engine.RestartAsync(job, environment, wait, cancellationToken)).ConfigureAwait(false);
        if (adminState.Current.Stopped.Contains(job))
        {
            adminState.Update(s => s.WithStopped(job, false));
            await configuration.ReapplyAsync(cancellationToken).ConfigureAwait(false);
        }

        return Map(snapshot);
    }

    public async Task<JobInfo> ReloadAsync(string job, IReadOnlyList<string> environment, CancellationToken cancellationToken)
    {
        var snapshot = await Engine(() => engine.ReloadAsync(job, environment, cancellationToken)).ConfigureAwait(false);
        return Map(snapshot);
    }

    public Task EmitAsync(string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(environment);
        if (eventName.Length == 0 || eventName.Any(char.IsWhiteSpace))
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, "missing event name");
        }

        if (environment.Any(e => e.IndexOf('=', StringComparison.Ordinal) <= 0))
        {
            throw new UpstartException(UpstartErrorCode.BadEnvironment, "Env must be KEY=VALUE pairs");
        }

        return Engine(() => engine.EmitAsync(eventName, environment, wait, cancellationToken));
    }

    public async Task<ConfigurationChange> ReloadConfigurationAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var (diff, catalog) = await Engine(() => configuration.ReloadAsync(dryRun, cancellationToken)).ConfigureAwait(false);
        return new ConfigurationChange(diff.Added, diff.Changed, diff.Removed, [.. catalog.Diagnostics.Select(ToInfo)]);
    }

    public IReadOnlyList<CheckConfigItem> CheckConfig(IReadOnlyList<string>? ignoredEvents) =>
        Control.CheckConfig.Run(configuration.Catalog, settings.BootEvents.Select(e => e.Name), ignoredEvents);

    public JobConfigInfo ShowConfig(string job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return configuration.Catalog.Jobs.TryGetValue(job, out var config)
            ? JobInfoMapping.ToConfigInfo(config)
            : throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
    }

    /// <summary>show-config with no job: every job, sorted by name.</summary>
    public IReadOnlyList<JobConfigInfo> ShowAllConfig() =>
        [.. configuration.Catalog.Jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal).Select(JobInfoMapping.ToConfigInfo)];

    public IReadOnlyList<DiagnosticInfo> GetDiagnostics() => [.. configuration.Diagnostics.Select(ToInfo)];

    /// <summary>Disable/enable (persisted). Disabling does not stop a running instance; it keeps events and start requests away.</summary>
    public async Task SetEnabledAsync(string job, bool enabled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!configuration.Catalog.Jobs.ContainsKey(job) && enabled == !adminState.Current.Disabled.Contains(job))
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
        }

        adminState.Update(s => s.WithDisabled(job, !enabled));
        await configuration.ReapplyAsync(cancellationToken).ConfigureAwait(false);
    }

    public string LogPriority(string? priority)
    {
        if (priority is not null && !logPriority.TrySet(priority))
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, $"Unknown priority: {priority}");
        }

        return logPriority.Current;
    }

    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(string job, string? instance, int tail, bool follow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!configuration.Catalog.Jobs.ContainsKey(job))
        {
            throw new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}");
        }

        return logs.ReadAsync(job, instance ?? "", Math.Clamp(tail, 0, 100_000), follow, cancellationToken);
    }

    public IAsyncEnumerable<EventInfo> WatchAsync(bool includeHistory, CancellationToken cancellationToken) =>
        watch.SubscribeAsync(includeHistory, cancellationToken);

    /// <summary>Counts for systemd's STATUS= line.</summary>
    public async Task<(int Running, int Failed, int Loaded)> CountAsync(CancellationToken cancellationToken)
    {
        var list = await engine.ListAsync(cancellationToken).ConfigureAwait(false);
        var running = list.Count(j => j.State == "running");
        var failed = list.Count(j => j.Goal == "stop" && j.LastFailure is not null);
        return (running, failed, configuration.Catalog.Jobs.Count);
    }

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
        EngineError.BadEnvironment => UpstartErrorCode.BadEnvironment,
        EngineError.UnknownParameter => UpstartErrorCode.UnknownParameter,
        EngineError.ShuttingDown => UpstartErrorCode.ShuttingDown,
        _ => UpstartErrorCode.Unknown,
    };

    private static DiagnosticInfo ToInfo(Upstart.JobFiles.Diagnostics.Diagnostic d) =>
        new(d.Path, d.Line, d.Column, d.Kind, d.Message, d.Severity == Upstart.JobFiles.Diagnostics.DiagnosticSeverity.Error ? "error" : "warning");

    private static async Task<T> Engine<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
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

    private List<JobInfo> Map(IReadOnlyList<JobSnapshot> snapshots)
    {
        var catalog = configuration.Catalog;
        var state = adminState.Current;
        return [.. snapshots.Select(s => JobInfoMapping.ToInfo(s, catalog.Jobs.GetValueOrDefault(s.Name), state))];
    }

    private JobInfo Map(JobSnapshot s) =>
        JobInfoMapping.ToInfo(s, configuration.Catalog.Jobs.GetValueOrDefault(s.Name), adminState.Current);
}
