using Microsoft.Extensions.Logging;
using UpstartHost.State;

namespace UpstartHost.Hosting;

/// <summary>
/// The daemon's side of "restart without losing the jobs" (DESIGN.md decision 7, docs/daemon.md): at
/// start, resume what an earlier daemon of this boot recorded, adopting its live processes; from then on
/// keep `STATE_DIR/instances.json` up to date; after a clean stop (every job stopped) delete it.
/// </summary>
public sealed partial class RuntimeState : IDisposable
{
    private readonly DaemonSettings settings;
    private readonly EngineComposition composition;
    private readonly ILogger logger;
    private RuntimeStateWriter? writer;

    public RuntimeState(DaemonSettings settings, EngineComposition composition, ILogger<RuntimeState> logger)
    {
        this.settings = settings;
        this.composition = composition;
        this.logger = logger;
    }

    /// <summary>
    /// Call once the job classes are loaded and before any event. True when an earlier daemon's record was
    /// found: this is a restart, not a boot, and the boot events must not run `start on` again.
    /// </summary>
    public async Task<bool> ResumeAsync(CancellationToken cancellationToken)
    {
        RecordedState? recorded = null;
        try
        {
            recorded = RuntimeStateFile.Read(settings.StateDir, DateTimeOffset.UtcNow);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            LogUnreadable(logger, RuntimeStateFile.PathIn(settings.StateDir), e.Message);
        }

        var engine = composition.Engine;
        if (recorded is not null)
        {
            var adopted = await engine.RestoreAsync(
                recorded.Instances,
                recorded.AgeSeconds,
                composition.Adopted.TryAdopt,
                cancellationToken).ConfigureAwait(false);
            LogResumed(logger, recorded.Instances.Count, adopted, recorded.DaemonPid);
        }

        writer = new RuntimeStateWriter(settings.StateDir, logger);
        await engine.TrackStateAsync(writer.Offer, cancellationToken).ConfigureAwait(false);
        return recorded is not null;
    }

    /// <summary>Every job has stopped: nothing is left to resume, so the record goes.</summary>
    public void Finish() => writer?.DeleteFile();

    public void Dispose() => writer?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring the runtime state {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resumed after an earlier daemon (pid {Pid}): {Instances} instances recorded, {Adopted} processes adopted")]
    private static partial void LogResumed(ILogger logger, int instances, int adopted, int pid);
}
