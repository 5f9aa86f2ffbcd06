using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Upstart.JobFiles.Loading;
using UpstartHost.Configuration;
using UpstartHost.Control;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes.Cgroups;
using UpstartHost.State;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Hosting;

/// <summary>`upstart-host`'s entry: verbs, settings, the generic host and its services.</summary>
public static partial class HostProgram
{
    /// <summary>How long the daemon must be quiet before it gives a burst's memory back (see <see cref="QuietCollector"/>).</summary>
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        HostCommandLine commandLine;
        DaemonSettings settings;
        IReadOnlyList<string> directoryWarnings;
        try
        {
            commandLine = HostCommandLine.Parse(args);
            switch (commandLine.Verb)
            {
                case HostVerb.Help:
                    Console.Out.WriteLine(HostCommandLine.Usage);
                    return 0;
                case HostVerb.Version:
                    Console.Out.WriteLine(DaemonControl.VersionText);
                    return 0;
                case HostVerb.Check:
                    return Upstart.JobFiles.Checking.JobFileChecker.Run(
                        [.. commandLine.CheckPaths, .. commandLine.ConfDirs],
                        Console.Out,
                        new Upstart.JobFiles.Checking.CheckOptions { UpstartCompatible = commandLine.UpstartCompatible });
            }

            settings = ResolveSettings(commandLine);
            DaemonDirectories.PrepareSocketDirectory(settings);
            directoryWarnings = DaemonDirectories.PrepareDataDirectories(settings);
        }
        catch (Exception e) when (e is HostUsageException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"upstart-host: {e.Message}");
            return 2;
        }

        // First: the inherited log channels must be close-on-exec before anything could be spawned.
        var stored = StoredLogChannels.TakeFromEnvironment();
        var listener = InheritedControlListener.TakeFromEnvironment(settings.SocketPath, out var listenerProblem);
        var systemd = SystemdHosting.TakeFromEnvironment();
        var host = Build(settings, systemd.Notifier, systemd.Watchdog, systemd.Listens, stored, new ControlListenerFromReExec(listener));
        var logger = host.Services.GetRequiredService<ILogger<DaemonService>>();
        foreach (var warning in directoryWarnings)
        {
            LogDirectoryWarning(logger, warning);
        }

        if (listenerProblem is not null)
        {
            LogListenerNotTaken(logger, listenerProblem);
        }

        var exitCode = 0;
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await host.StartAsync().ConfigureAwait(false);
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // SIGTERM while starting: the host gave up its start; whatever had started (jobs included)
            // stops as on any SIGTERM, and that is a clean exit.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The daemon's last word: log why it could not run, exit non-zero for systemd.
        catch (Exception e)
        {
            LogFailed(logger, e);
            exitCode = 1;
        }

        try
        {
            await ((IAsyncDisposable)host).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
            exitCode = 1;
        }
#pragma warning restore CA1031

        return exitCode;
    }

    /// <summary>Mode from the flags (default: system when root), then host.json, then the mode's defaults.</summary>
    public static DaemonSettings ResolveSettings(HostCommandLine commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var euid = DaemonDirectories.geteuid();
        var mode = commandLine.Mode ?? (euid == 0 ? HostMode.System : HostMode.Session);
        if (mode == HostMode.System && euid != 0)
        {
            throw new HostUsageException("--system needs root; use --session for a per-user daemon");
        }

        var defaults = mode == HostMode.System
            ? DaemonPaths.ForSystem()
            : DaemonPaths.ForSession(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), euid);
        var file = HostSettingsFile.Read(commandLine.SettingsFile ?? defaults.SettingsFile);
        return DaemonSettings.Resolve(commandLine, file, defaults);
    }

    public static IHost Build(DaemonSettings settings, ISystemdNotifier notifier, TimeSpan? watchdogInterval, bool serviceManagerListens) =>
        Build(settings, notifier, watchdogInterval, serviceManagerListens, StoredLogChannels.None);

    internal static IHost Build(
        DaemonSettings settings,
        ISystemdNotifier notifier,
        TimeSpan? watchdogInterval,
        bool serviceManagerListens,
        StoredLogChannels stored,
        ControlListenerFromReExec? listener = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "upstart-host",
            ContentRootPath = "/",
        });

        var priority = new LogPriority();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter((_, _, level) => level >= priority.Minimum);
        if (SystemdHosting.WritesToJournal())
        {
            builder.Logging.AddSystemdConsole(o => o.TimestampFormat = null);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        var services = builder.Services;
        services.Configure<HostOptions>(o =>
        {
            // Stopping every job may take the longest kill timeout of them all; the host must not cut it.
            o.ShutdownTimeout = Timeout.InfiniteTimeSpan;
            o.ServicesStartConcurrently = false;
            o.ServicesStopConcurrently = false;
        });
        SystemdHosting.Add(services, notifier, serviceManagerListens);
        services.AddSingleton<HangupSignal>();
        services.AddSingleton(sp => new QuietCollector(QuietPeriod, sp.GetRequiredService<ILogger<QuietCollector>>()));
        services.AddSingleton(sp => new SystemdStatusReporter(
            sp.GetRequiredService<ISystemdNotifier>(),
            watchdogInterval,
            ct => JobCounts.CountAsync(sp.GetRequiredService<IEngineControl>(), sp.GetRequiredService<JobConfiguration>(), ct),
            sp.GetRequiredService<ILogger<SystemdStatusReporter>>()));
        services.AddSingleton(settings);
        services.AddSingleton(priority);
        services.AddSingleton(sp => new AdminStateStore(settings.StateDir, sp.GetRequiredService<ILogger<AdminStateStore>>()));
        services.AddSingleton(sp => JobCgroups.Create(
            new JobCgroupOptions { Enabled = settings.JobCgroups, Root = settings.CgroupRoot, SocketPath = settings.SocketPath },
            sp.GetRequiredService<ILogger<JobCgroups>>()));
        services.AddSingleton(sp => new EngineComposition(
            settings,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<JobCgroups>(),
            serviceManagerListens ? LogChannelStore.Create(stored.NotifySocket, stored.FdStore, sp.GetRequiredService<ILogger<LogChannelStore>>()) : null));
        services.AddSingleton<IEngineControl>(sp => sp.GetRequiredService<EngineComposition>().Engine);
        services.AddSingleton(sp => new RuntimeState(settings, sp.GetRequiredService<EngineComposition>(), sp.GetRequiredService<ILogger<RuntimeState>>(), stored.Inherited)
        {
            ReExecAnnounced = sp.GetRequiredService<WatchHub>().BeginReplay,
        });
        services.AddSingleton(sp => new JobConfiguration(
            settings.ConfDirs,
            sp.GetRequiredService<IEngineControl>(),
            sp.GetRequiredService<AdminStateStore>(),
            sp.GetRequiredService<ILogger<JobConfiguration>>(),
            dirs => JobDirectoryLoader.Load(dirs, settings.Mode == HostMode.System ? JobFileTrust.RootOnly : JobFileTrust.Any)));
        services.AddSingleton(new JobLogTail(settings.LogDir));
        services.AddSingleton(new WatchHub(settings.WatchBufferSize));
        services.AddSingleton(new StreamHandover());
        services.AddSingleton(ControlEndpoint.AuthorizationFor(settings));
        services.AddSingleton(sp => new DaemonControl(
            sp.GetRequiredService<IEngineControl>(),
            sp.GetRequiredService<JobConfiguration>(),
            sp.GetRequiredService<AdminStateStore>(),
            sp.GetRequiredService<JobLogTail>(),
            sp.GetRequiredService<WatchHub>(),
            sp.GetRequiredService<LogPriority>(),
            [.. settings.BootEvents.Concat(settings.ShutdownEvents).Select(e => e.Name)],
            sp.GetRequiredService<ControlAuthorization>())
        {
            BeginReExec = sp.GetRequiredService<DaemonReExec>().Begin,
            Handover = sp.GetRequiredService<StreamHandover>(),
            RetryKeptLogOutput = () =>
            {
                // The disk the logs wait for may hold the state directory too.
                sp.GetRequiredService<RuntimeState>().RetryWrite();
                return sp.GetRequiredService<EngineComposition>().Processes.LogWriter.RetryPendingAsync();
            },
        });
        services.AddSingleton(sp => new DaemonReExec(
            sp.GetRequiredService<EngineComposition>(),
            sp.GetRequiredService<RuntimeState>(),
            sp.GetRequiredService<ILogger<DaemonReExec>>())
        {
            Streams = new StreamsToHandOver(sp.GetRequiredService<StreamHandover>(), sp.GetRequiredService<WatchHub>()),
            FlushLog = () => FlushConsoleLog(sp),

            // Resolved when the exec comes, not now: the endpoint's handler needs this very object.
            ControlListener = () => sp.GetRequiredService<IControlEndpoint>().Listener,
        });
        services.AddSingleton(listener ?? ControlListenerFromReExec.None);
        services.AddSingleton<IControlEndpoint, ControlEndpoint>();
        services.AddHostedService<DaemonService>();
        return builder.Build();
    }

    /// <summary>
    /// The console logger has no flush; disposing its provider writes out its queue (waiting up to 1.5 s) and
    /// leaves its loggers writing each line at once, which is what a program about to exec wants either way.
    /// </summary>
    private static void FlushConsoleLog(IServiceProvider services)
    {
        foreach (var provider in services.GetServices<ILoggerProvider>().OfType<ConsoleLoggerProvider>())
        {
            provider.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "upstart-host failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-exec: the control socket the previous program listened on was not taken ({Problem}); creating it anew")]
    private static partial void LogListenerNotTaken(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogDirectoryWarning(ILogger logger, string warning);
}
