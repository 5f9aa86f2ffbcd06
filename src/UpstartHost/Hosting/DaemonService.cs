using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using UpstartHost.Configuration;
using UpstartHost.Control;
using UpstartHost.Engine;
using UpstartHost.Processes.Cgroups;
using UpstartHost.State;

namespace UpstartHost.Hosting;

/// <summary>
/// The daemon's life: load admin state and jobs, open the control socket, emit the boot sequence, then follow
/// the job directories; on SIGTERM/SIGINT emit the shutdown sequence, stop every job honouring pre-stop and
/// kill timeout, and only then close the socket. READY=1 follows this StartAsync and STOPPING=1 precedes
/// StopAsync: Microsoft.Extensions.Hosting.Systemd's lifetime sends them (see <see cref="SystemdHosting"/>).
/// </summary>
public sealed partial class DaemonService : IHostedService, IAsyncDisposable
{
    /// <summary>
    /// How long a stop waits for the shutdown events before it stops every job: well inside the packaged unit's
    /// TimeoutStopSec (5 min), leaving room for the kill timeouts that follow.
    /// </summary>
    public static readonly TimeSpan ShutdownEventsLimit = TimeSpan.FromSeconds(60);

    private readonly DaemonSettings settings;
    private readonly IEngineControl engine;
    private readonly JobConfiguration configuration;
    private readonly AdminStateStore adminState;
    private readonly WatchHub watch;
    private readonly IControlEndpoint endpoint;
    private readonly SystemdStatusReporter status;
    private readonly HangupSignal hangup;
    private readonly RuntimeState runtimeState;
    private readonly JobCgroups cgroups;
    private readonly QuietCollector quietCollector;
    private readonly ILogger<DaemonService> logger;
    private readonly CancellationTokenSource running = new();
    private JobDirectoryWatcher? watcher;

    /// <summary>A session daemon's session file (SessionFile), once written.</summary>
    private string? sessionFile;
    private readonly HangupLatch hangups = new();
    private Task background = Task.CompletedTask;

    public DaemonService(
        DaemonSettings settings,
        IEngineControl engine,
        JobConfiguration configuration,
        AdminStateStore adminState,
        WatchHub watch,
        IControlEndpoint endpoint,
        SystemdStatusReporter status,
        HangupSignal hangup,
        RuntimeState runtimeState,
        JobCgroups cgroups,
        QuietCollector quietCollector,
        ILogger<DaemonService> logger)
    {
        this.settings = settings;
        this.engine = engine;
        this.configuration = configuration;
        this.adminState = adminState;
        this.watch = watch;
        this.endpoint = endpoint;
        this.status = status;
        this.hangup = hangup;
        this.runtimeState = runtimeState;
        this.cgroups = cgroups;
        this.quietCollector = quietCollector;
        this.logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var state = adminState.Load();
        LogAdminState(logger, state.Disabled.Count, adminState.FilePath);

        engine.Notification += OnNotification;
        var (_, catalog) = await configuration.ReloadAsync(dryRun: false, cancellationToken).ConfigureAwait(false);

        // Before the socket answers and before any event: the instances an earlier daemon left are back
        // (their processes adopted) by the time anyone can ask.
        var resumed = await runtimeState.ResumeAsync(catalog, adminState.Current, cancellationToken).ConfigureAwait(false);

        // Whether or not a record was found: a daemon that crashed before it wrote one left cgroups too.
        cgroups.RemoveUnclaimed();
        // SIGHUP is ours before anyone can see the daemon ready: a client that reloads the moment the
        // socket answers must not meet the default action, which ends the process.
        hangup.ReloadRequested += OnReloadRequested;
        hangup.Listen();
        await endpoint.StartAsync(cancellationToken).ConfigureAwait(false);
        LogListening(logger, settings.SocketPath, settings.ConfDirs, catalog.Jobs.Count, catalog.Diagnostics.Length);
        if (settings.Mode == HostMode.Session)
        {
            sessionFile = SessionFile.Write(Environment.GetEnvironmentVariable, "unix:path=" + settings.SocketPath, logger);
        }

        // From here on jobs may start, so a SIGTERM arriving now must not abandon the start halfway: the
        // host would then never call StopAsync and the jobs would outlive the daemon. What is left is quick
        // and never blocks on a job, so it runs to the end and the host stops everything right after.
        var settled = CancellationToken.None;

        // Watching starts before any job does: it cannot fail (without inotify it rescans), and a change
        // made while the boot events run is not missed.
        Volatile.Write(ref watcher, new JobDirectoryWatcher(settings.ConfDirs, settings.ReloadDebounce, settings.RescanInterval, ReloadFromWatchAsync, logger));
        if (hangups.StartWatching())
        {
            watcher.Rearm();
        }

        // The boot sequence is emitted without waiting, in order: like mountall and rc-sysinit, the
        // daemon does not hold boot back for a job that is slow to start. A daemon that resumed is not
        // booting: the events ran already, and tasks they started must not run twice.
        foreach (var e in resumed ? [] : settings.BootEvents)
        {
            await engine.EmitAsync(e.Name, e.Environment, wait: false, settled).ConfigureAwait(false);
        }

        status.SendStatus(await JobCounts.CountAsync(engine, configuration, settled).ConfigureAwait(false));
        background = Task.Run(() => status.RunAsync(running.Token), CancellationToken.None);

        // Loading the catalog allocated; if no job starts, no notification would ever start the quiet period.
        quietCollector.Poke();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        hangup.ReloadRequested -= OnReloadRequested;

        if (watcher is not null)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
            watcher = null;
        }

        // Upstart's shutdown let what the shutdown runlevel set going finish before anything was killed: rc ran
        // the System V kill scripts to the end, `start on runlevel [06]` tasks ran, and `stop on starting rc
        // RUNLEVEL=[016]` jobs stopped first, in that order. So each event is waited for as `initctl emit` waits,
        // all of them together for at most ShutdownEventsLimit: a job that never gets there (a condition holding
        // the event half-matched, a service stuck in spawned) must not hold the daemon's stop for ever.
        using (var limit = new CancellationTokenSource(ShutdownEventsLimit))
        {
            foreach (var e in settings.ShutdownEvents)
            {
                try
                {
                    await engine.EmitAsync(e.Name, e.Environment, wait: !limit.IsCancellationRequested, limit.Token).ConfigureAwait(false);
                }
                catch (EngineException ex)
                {
                    LogShutdownEventFailed(logger, e.ToString(), ex.Message);
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    LogShutdownEventsUnfinished(logger, e.ToString(), (int)ShutdownEventsLimit.TotalSeconds);
                }
            }
        }

        // Not cancellable on purpose: a second SIGTERM must not cut a job's kill timeout short.
        await engine.StopAllAsync(CancellationToken.None).ConfigureAwait(false);

        // Every job is stopped, so nothing of theirs may outlive the daemon (issue 12 item 14). Only this
        // path kills: a re-exec hands running jobs (and their cgroups) over and must never come here.
        await cgroups.KillAllAsync().ConfigureAwait(false);
        LogAllStopped(logger);
        runtimeState.Finish();

        await running.CancelAsync().ConfigureAwait(false);
        await background.ConfigureAwait(false);
        await endpoint.StopAsync(CancellationToken.None).ConfigureAwait(false);
        SessionFile.Remove(sessionFile);
        engine.Notification -= OnNotification;
    }

    public async ValueTask DisposeAsync()
    {
        if (watcher is not null)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }

        await endpoint.DisposeAsync().ConfigureAwait(false);
        running.Dispose();
    }

    private void OnNotification(EngineNotification notification)
    {
        watch.Publish(notification);
        quietCollector.Poke();
        if (notification.Kind != NotificationKind.Event)
        {
            status.MarkChanged();
        }
    }

    /// <summary>SIGHUP: watch the directories afresh (the way back to inotify after a failure), then re-read them.</summary>
    private void OnReloadRequested()
    {
        // Exactly one re-arm per SIGHUP, whatever the interleaving with StartAsync (HangupLatch).
        if (hangups.OnHangup())
        {
            // Null once the daemon is stopping: nothing is left to re-read.
            Volatile.Read(ref watcher)?.Rearm();
        }
        else
        {
            _ = ReloadFromWatchAsync(running.Token);
        }
    }

    private async Task ReloadFromWatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await configuration.ReloadAsync(dryRun: false, cancellationToken).ConfigureAwait(false);
            status.MarkChanged();
            quietCollector.Poke();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin state: {Disabled} disabled ({Path})")]
    private static partial void LogAdminState(ILogger logger, int disabled, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Socket}; job directories {Dirs}: {Jobs} jobs, {Diagnostics} diagnostics")]
    private static partial void LogListening(ILogger logger, string socket, IReadOnlyList<string> dirs, int jobs, int diagnostics);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown event {Event}: {Reason}")]
    private static partial void LogShutdownEventFailed(ILogger logger, string @event, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown event {Event} not finished after {Seconds}s; stopping every job now")]
    private static partial void LogShutdownEventsUnfinished(ILogger logger, string @event, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every job has stopped")]
    private static partial void LogAllStopped(ILogger logger);

}
