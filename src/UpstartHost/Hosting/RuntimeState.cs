using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Loading;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;
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
    private readonly IReadOnlyList<(int Fd, string? Name)> storedChannels;

    /// <summary>The job files each instance runs under, read with the loader's trust.</summary>
    private readonly DefinitionStore definitions;
    private RuntimeStateWriter? writer;

    public RuntimeState(DaemonSettings settings, EngineComposition composition, ILogger<RuntimeState> logger)
        : this(settings, composition, logger, [])
    {
    }

    /// <param name="storedChannels">The `console log` channels systemd's file-descriptor store handed back (LISTEN_FDS).</param>
    internal RuntimeState(DaemonSettings settings, EngineComposition composition, ILogger<RuntimeState> logger, IReadOnlyList<(int Fd, string? Name)> storedChannels)
    {
        this.settings = settings;
        this.composition = composition;
        this.logger = logger;
        this.storedChannels = storedChannels;
        definitions = new DefinitionStore(settings.StateDir, settings.Mode == HostMode.System ? JobFileTrust.RootOnly : JobFileTrust.Any, logger);
    }

    /// <summary>
    /// Call once the job classes are loaded and before any event. True when an earlier daemon's record was
    /// found: this is a restart, not a boot, and the boot events must not run `start on` again.
    /// <paramref name="loaded"/> (unmasked, with its fingerprints) and <paramref name="adminState"/> tell
    /// which recorded instances run under a definition their job file no longer holds.
    /// </summary>
    /// <summary>
    /// After our own re-exec: runs on the engine thread once every resumed instance has been announced as it stood,
    /// before anything moves (the watch hub's replay starts there, so watchers coming back get changes only).
    /// </summary>
    public Action? ReExecAnnounced { get; init; }

    /// <summary>notify-disk-writeable: a runtime state that could not be written is tried again now.</summary>
    public void RetryWrite() => Volatile.Read(ref writer)?.RetryNow();

    public async Task<bool> ResumeAsync(JobCatalog loaded, AdminState adminState, CancellationToken cancellationToken)
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
            // After our own re-exec any LISTEN_FDS are stale (the variables came with our first start, and
            // the numbers now name the channels the state file hands over): only a new process takes them.
            if (recorded?.IsOwnReExec != true)
            {
                TakeStoredChannels(recorded?.Instances ?? [], LogFileClaims.Of(loaded));
            }

            if (recorded is not null)
            {
                if (recorded.IsOwnReExec)
                {
                    // Before the channels: output kept from before the exec is older than any they bring.
                    KeepHandedOverOutput(recorded.KeptOutput ?? []);
                    AttachLogChannels(recorded.LogChannels);
                }

                if (recorded.JobEnvironment is { } table)
                {
                    await engine.RestoreGlobalEnvironmentAsync(table, cancellationToken).ConfigureAwait(false);
                }

                var earlier = EarlierDefinitions.Find(recorded.Instances, loaded, adminState, definitions, logger);
                var adopted = await engine.RestoreAsync(
                    recorded.Instances,
                    recorded.AgeSeconds,
                    composition.Adopted.TryAdopt,
                    earlier,
                    composition.Adopted.ResumeExpectStop,
                    recorded.IsOwnReExec ? ReExecAnnounced : null,
                    recorded.IsOwnReExec ? recorded.UnderWay : (recorded.UnderWay ?? WorkUnderWay.None) with { Waits = [] },
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

        writer = new RuntimeStateWriter(settings.StateDir, logger, definitions, () => engine.RecordedGlobalEnvironment);
        await engine.TrackStateAsync(writer.Offer, cancellationToken).ConfigureAwait(false);
        return recorded is not null;
    }


    /// <summary>
    /// Re-exec, on the engine thread: the last snapshot and the log channels, written before the exec
    /// (synchronously: nothing may change between this and the exec).
    /// </summary>
    internal void WriteForReExec(
        IReadOnlyList<InstanceRecord> snapshot, WorkUnderWay underWay, IReadOnlyList<LogChannel> logChannels, IReadOnlyList<KeptLogOutput> keptOutput)
    {
        var current = writer ?? throw new InvalidOperationException("the runtime state is not being tracked");
        current.WriteNow(snapshot, logChannels, keptOutput, underWay);
    }

    /// <summary>
    /// Job output the previous program kept because its log could not be written: kept on here. Only paths inside
    /// the log directory are taken (the state file is ours, but a path is where bytes get written).
    /// </summary>
    private void KeepHandedOverOutput(IReadOnlyList<KeptLogOutput> kept)
    {
        var inside = kept.Where(k => InLogDirectory(k.Path) is not null).ToList();
        if (inside.Count > 0)
        {
            composition.Processes.LogWriter.Keep(inside);
        }
    }

    /// <summary>Every job has stopped: nothing is left to resume, so the record goes.</summary>
    public void Finish() => writer?.DeleteFile();

    public void Dispose() => writer?.Dispose();

    /// <summary>A path the state file names, made full, when it lies inside the log directory; null when it does not.</summary>
    private string? InLogDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        return full.StartsWith(Path.GetFullPath(settings.LogDir) + "/", StringComparison.Ordinal) ? full : null;
    }

    /// <summary>
    /// The pty masters the previous program left open for us. Each is checked to be what the record says
    /// (a pty master; a log file inside the log directory) before it is read: a descriptor number alone
    /// could name anything.
    /// </summary>
    private void AttachLogChannels(IReadOnlyList<LogChannel> channels)
    {
        foreach (var channel in channels)
        {
            if (InLogDirectory(channel.Path) is not { } full || !InheritedDescriptor.IsPtyMaster(channel.Fd))
            {
                LogChannelRefused(logger, channel.Fd, channel.Path);
                continue;
            }

            InheritedDescriptor.SetCloseOnExec(channel.Fd, true);
            composition.LogStore?.Adopt(channel.StoreName);
            composition.Processes.AttachLogChannel(channel with { Path = full });
        }
    }

    /// <summary>
    /// After a crash: the channels the store kept for instances the earlier daemon recorded are read on
    /// (what their jobs wrote meanwhile waits in the pty); any other descriptor is closed and dropped from
    /// the store, so that nothing is kept for a job no daemon follows.
    /// </summary>
    private void TakeStoredChannels(IReadOnlyList<InstanceRecord> recorded, LogFileClaims claims)
    {
        if (storedChannels.Count == 0)
        {
            return;
        }

        var store = composition.LogStore;
        var (matched, leftOver) = StoredLogChannels.Match(storedChannels, recorded, settings.LogDir, InheritedDescriptor.IsPtyMaster, claims);
        foreach (var channel in matched)
        {
            store?.Adopt(channel.StoreName);
            composition.Processes.AttachLogChannel(store is null ? channel with { StoreName = null } : channel);
        }

        var kept = matched.Select(c => c.StoreName).ToHashSet(StringComparer.Ordinal);
        foreach (var (fd, name) in leftOver)
        {
            Libc.close(fd);
            if (name is not null && !kept.Contains(name))
            {
                store?.Forget(name, counted: false);
            }
        }

        LogStoredChannels(logger, matched.Count, leftOver.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-executed: {Instances} instances resumed, {Adopted} processes kept, {Channels} log channels kept")]
    private static partial void LogReExecuted(ILogger logger, int instances, int adopted, int channels);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not reading inherited descriptor {Fd} as the log {Path}: not a pty master, or outside the log directory")]
    private static partial void LogChannelRefused(ILogger logger, int fd, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "File-descriptor store: {Matched} console log channels read on, {LeftOver} other descriptors closed")]
    private static partial void LogStoredChannels(ILogger logger, int matched, int leftOver);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring the runtime state {Path}: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resumed after an earlier daemon (pid {Pid}): {Instances} instances recorded, {Adopted} processes adopted")]
    private static partial void LogResumed(ILogger logger, int instances, int adopted, int pid);
}
