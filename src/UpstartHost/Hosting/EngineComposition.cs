using Microsoft.Extensions.Logging;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes;
using UpstartHost.Processes.Cgroups;

namespace UpstartHost.Hosting;

/// <summary>
/// Builds the real engine over the real process layer (which posts exits back to the engine: the
/// engine hands itself to the layer's constructor) and starts the engine thread.
/// </summary>
public sealed class EngineComposition : IAsyncDisposable
{
    private ProcessLayer? processes;

    public EngineComposition(DaemonSettings settings, ILoggerFactory loggerFactory, JobCgroups cgroups)
        : this(settings, loggerFactory, cgroups, null)
    {
    }

    /// <param name="logStore">systemd's file-descriptor store for the `console log` channels; null without one.</param>
    internal EngineComposition(DaemonSettings settings, ILoggerFactory loggerFactory, JobCgroups cgroups, LogChannelStore? logStore)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var daemonEnvironment = Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var options = new EngineOptions
        {
            LogDirectory = settings.LogDir,
            DaemonEnvironment = daemonEnvironment,
            SessionMode = settings.Mode == HostMode.Session,
            RespawnDelay = settings.RespawnDelay,
            SessionAddress = settings.Mode == HostMode.Session ? "unix:path=" + settings.SocketPath : null,
            NonStandardSocket = settings.Mode != HostMode.Session && settings.SocketPath != UpstartPS.Protocol.ControlSocketPaths.SystemSocketPath
                ? settings.SocketPath
                : null,

            // init --user: the job environment starts from the session's own (UPSTART.md §g); system
            // jobs get Upstart's compiled-in PATH and TERM only.
            BaseEnvironment = settings.Mode == HostMode.Session
                ? [.. daemonEnvironment.Where(kv => !IsDaemonPrivate(kv.Key)).Select(kv => kv.Key + "=" + kv.Value)]
                : new EngineOptions().BaseEnvironment,
        };
        // After a re-exec, children of the previous program wait as zombies until the resumed engine claims
        // them (RuntimeState releases the hold): reaped now, their exit status would be lost.
        ChildReaper.HoldFromStart();
        Engine = new JobEngine(
            options,
            sink => processes = new ProcessLayer(sink, loggerFactory, null, cgroups, logStore),
            new SystemEngineClock(),
            loggerFactory.CreateLogger<JobEngine>());
        Adopted = new AdoptedProcesses(Engine);
        LogStore = logStore;
        Engine.Start();
    }

    public JobEngine Engine { get; }

    /// <summary>The real process layer (re-exec hands its log channels over).</summary>
    internal ProcessLayer Processes => processes ?? throw new InvalidOperationException("no process layer");

    /// <summary>Where `console log` channels are kept through a crash; null when the service manager has no store for us.</summary>
    internal LogChannelStore? LogStore { get; }

    /// <summary>Processes adopted from an earlier daemon, watched through pidfds.</summary>
    internal AdoptedProcesses Adopted { get; }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync().ConfigureAwait(false);
        Adopted.Dispose();
        if (processes is not null)
        {
            await processes.LogWriter.FlushAsync().ConfigureAwait(false);
            processes.Dispose();
        }

        LogStore?.Dispose();
    }

    /// <summary>Variables that describe the daemon's own process and must not leak into jobs.</summary>
    private static bool IsDaemonPrivate(string key) =>
        key is "NOTIFY_SOCKET" or "WATCHDOG_USEC" or "WATCHDOG_PID" or "LISTEN_FDS" or "LISTEN_PID" or "LISTEN_FDNAMES" or "FDSTORE"
            or InheritedControlListener.Variable
            or "INVOCATION_ID" or "JOURNAL_STREAM" or "UPSTART_JOB" or "UPSTART_INSTANCE" or "UPSTART_EVENTS"
        || key.StartsWith("DOTNET_", StringComparison.Ordinal);
}
