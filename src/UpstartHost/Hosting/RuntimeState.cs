using Microsoft.Extensions.Logging;
using UpstartHost.Engine;
using UpstartHost.Processes;
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
        try
        {
            if (recorded is not null)
            {
                if (recorded.IsOwnReExec)
                {
                    AttachLogChannels(recorded.LogChannels);
                }

                var adopted = await engine.RestoreAsync(
                    recorded.Instances,
                    recorded.AgeSeconds,
                    composition.Adopted.TryAdopt,
                    cancellationToken).ConfigureAwait(false);
                if (recorded.IsOwnReExec)
                {
                    LogReExecuted(logger, recorded.Instances.Count, adopted, recorded.LogChannels.Count);
                }
                else
                {
                    LogResumed(logger, recorded.Instances.Count, adopted, recorded.DaemonPid);
                }
            }
        }
        finally
        {
            // Every inherited child is claimed now; the zombies among them are reaped with their status.
            ChildReaper.Instance.ReleaseHold();
        }

        writer = new RuntimeStateWriter(settings.StateDir, logger);
        await engine.TrackStateAsync(writer.Offer, cancellationToken).ConfigureAwait(false);
        return recorded is not null;
    }

    /// <summary>
    /// Re-exec, on the engine thread: the last snapshot and the log channels, written before the exec
    /// (synchronously: nothing may change between this and the exec).
    /// </summary>
    internal void WriteForReExec(IReadOnlyList<InstanceRecord> snapshot, IReadOnlyList<(int Fd, string Path)> logChannels)
    {
        var current = writer ?? throw new InvalidOperationException("the runtime state is not being tracked");
        current.WriteNow(snapshot, logChannels);
    }

    /// <summary>Every job has stopped: nothing is left to resume, so the record goes.</summary>
    public void Finish() => writer?.DeleteFile();

    public void Dispose() => writer?.Dispose();

    /// <summary>
    /// The pty masters the previous program left open for us. Each is checked to be what the record says
    /// (a pty master; a log file inside the log directory) before it is read: a descriptor number alone
    /// could name anything.
    /// </summary>
    private void AttachLogChannels(IReadOnlyList<(int Fd, string Path)> channels)
    {
        var logDir = Path.GetFullPath(settings.LogDir) + "/";
        foreach (var (fd, path) in channels)
        {
            var full = Path.GetFullPath(path);
            if (!full.StartsWith(logDir, StringComparison.Ordinal) || !InheritedDescriptor.IsPtyMaster(fd))
            {
                LogChannelRefused(logger, fd, path);
                continue;
            }

            InheritedDescriptor.SetCloseOnExec(fd, true);
            composition.Processes.AttachLogChannel(fd, full);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-executed: {Instances} instances resumed, {Adopted} processes kept, {Channels} log channels kept")]
    private static partial void LogReExecuted(ILogger logger, int instances, int adopted, int channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not reading inherited descriptor {Fd} as the log {Path}: not a pty master, or outside the log directory")]
    private static partial void LogChannelRefused(ILogger logger, int fd, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring the runtime state {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resumed after an earlier daemon (pid {Pid}): {Instances} instances recorded, {Adopted} processes adopted")]
    private static partial void LogResumed(ILogger logger, int instances, int adopted, int pid);
}
