using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace UpstartHost.Hosting;

/// <summary>Running, failed and loaded job counts, as the STATUS= line shows them.</summary>
public readonly record struct JobCounts(int Running, int Failed, int Loaded)
{
    /// <summary>Counts from the engine's list (running; stopped after a failure) and the loaded catalog.</summary>
    public static async Task<JobCounts> CountAsync(Engine.IEngineControl engine, Configuration.JobConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(configuration);
        var list = await engine.ListAsync(cancellationToken).ConfigureAwait(false);
        var running = list.Count(j => j.State == Engine.JobState.Running);
        var failed = list.Count(j => j.Goal == Engine.JobGoal.Stop && j.LastFailure is not null);
        return new JobCounts(running, failed, configuration.Catalog.Jobs.Count);
    }
}

/// <summary>
/// What `systemctl status` shows and what keeps systemd's watchdog fed: STATUS= ("12 jobs running, 1 failed")
/// whenever something changed, and WATCHDOG=1 at half of WatchdogSec — each ping only after the engine has
/// answered a count request within the interval, so a wedged engine thread stops the pings and systemd
/// restarts the daemon (the daemon can restart without killing its jobs).
/// </summary>
public sealed partial class SystemdStatusReporter
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(2);

    private readonly ISystemdNotifier notifier;
    private readonly TimeSpan? watchdog;
    private readonly Func<CancellationToken, Task<JobCounts>> countJobs;
    private readonly ILogger logger;
    private int dirty = 1;

    public SystemdStatusReporter(ISystemdNotifier notifier, TimeSpan? watchdogInterval, Func<CancellationToken, Task<JobCounts>> countJobs, ILogger logger)
    {
        this.notifier = notifier;
        watchdog = watchdogInterval is { } w ? w / 2 : null;
        this.countJobs = countJobs;
        this.logger = logger;
    }

    /// <summary>A job changed state or the catalog was reloaded: the next tick sends a fresh STATUS=.</summary>
    public void MarkChanged() => Volatile.Write(ref dirty, 1);

    public void SendStatus(JobCounts counts) =>
        notifier.Notify(new ServiceState("STATUS=" + JobCountStatus.Format(counts.Running, counts.Failed, counts.Loaded)));

    /// <summary>Runs until cancelled, or until the engine stops answering (then the pings stop for good).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!notifier.IsEnabled)
        {
            return;
        }

        var period = watchdog is { } half && half < StatusInterval ? half : StatusInterval;
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                answer.CancelAfter(watchdog ?? StatusInterval);
                var counts = await countJobs(answer.Token).WaitAsync(answer.Token).ConfigureAwait(false);
                if (watchdog is not null)
                {
                    notifier.Notify(new ServiceState("WATCHDOG=1"));
                }

                if (Interlocked.Exchange(ref dirty, 0) == 1)
                {
                    SendStatus(counts);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            LogEngineUnresponsive(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The engine did not answer within the watchdog interval; no more watchdog pings")]
    private static partial void LogEngineUnresponsive(ILogger logger);
}
