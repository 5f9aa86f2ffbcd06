using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace UpstartHost.Configuration;

/// <summary>
/// Watches the job directories (and their subdirectories: `net/apache.conf` is job `net/apache`) and
/// calls back once a burst of changes has been quiet for the debounce period — an editor's save is
/// several events, and `cp -r` of a directory is hundreds.
/// <para>
/// inotify (through FileSystemWatcher) is the fast path. Losing it never blinds the daemon and never
/// stops it: when no inotify instance can be had, or the watch limit is reached, or the watcher reports
/// an error, the watcher says so once and falls back to rescanning the directories every
/// <c>rescanInterval</c> (<see cref="JobTreeStamp"/>). The same periodic check notices a job directory
/// that was deleted and created again (its inotify watch died with the old one) and watches the new one.
/// A SIGHUP (<see cref="Rearm"/>) tries inotify again.
/// </para>
/// </summary>
public sealed partial class JobDirectoryWatcher : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Root> roots;
    private readonly Channel<bool> changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource stopping = new();
    private readonly IReadOnlyList<string> directories;
    private readonly TimeSpan rescanInterval;
    private readonly ILogger logger;
    private readonly Task loop;
    private readonly Task rescans;
    private bool polling;
    private long lastStamp;
    private int disposed;

    public JobDirectoryWatcher(IReadOnlyList<string> directories, TimeSpan debounce, TimeSpan rescanInterval, Func<CancellationToken, Task> onChanged, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(onChanged);
        this.directories = directories;
        this.rescanInterval = rescanInterval;
        this.logger = logger;
        roots = directories.Distinct(StringComparer.Ordinal).ToDictionary(d => d, d => new Root(d), StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var root in roots.Values)
            {
                Arm(root);
            }
        }

        loop = Task.Run(() => RunAsync(debounce, onChanged, stopping.Token));
        rescans = Task.Run(() => RescanLoopAsync(stopping.Token));
    }

    /// <summary>Directories inotify watches now (not the ones missing or left to rescans).</summary>
    public int WatchedDirectories
    {
        get
        {
            lock (gate)
            {
                return roots.Values.Count(r => r.Watcher is not null);
            }
        }
    }

    /// <summary>True while changes are found by periodic rescans because inotify failed.</summary>
    public bool IsPolling
    {
        get
        {
            lock (gate)
            {
                return polling;
            }
        }
    }

    /// <summary>Drops every watch and sets them up again (SIGHUP): the way back to inotify after a failure.</summary>
    public void Rearm()
    {
        lock (gate)
        {
            var wasPolling = polling;
            polling = false;
            foreach (var root in roots.Values)
            {
                Disarm(root);
                Arm(root);
            }

            if (wasPolling && !polling)
            {
                LogWatchingAgain(logger, directories);
            }
        }

        changes.Writer.TryWrite(true);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        lock (gate)
        {
            foreach (var root in roots.Values)
            {
                Disarm(root);
            }
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        changes.Writer.TryComplete();
        foreach (var task in new[] { loop, rescans })
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        stopping.Dispose();
    }

    /// <summary>Only job files (and directories, which may hold them) matter; editor swap files do not.</summary>
    internal static bool IsRelevant(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith('.') || name.EndsWith('~'))
        {
            return false;
        }

        return name.EndsWith(".conf", StringComparison.Ordinal)
            || name.EndsWith(".override", StringComparison.Ordinal)
            || !Path.HasExtension(name);
    }

    /// <summary>Called under <see cref="gate"/>. A missing directory is not an error: the rescan notices when it appears.</summary>
    private void Arm(Root root)
    {
        root.Anchor = DirectoryAnchor.Open(root.Path);
        if (root.Anchor is null)
        {
            return;
        }

        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(root.Path)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            watcher.Created += OnChange;
            watcher.Changed += OnChange;
            watcher.Deleted += OnChange;
            watcher.Renamed += OnChange;
            watcher.Error += OnError;
            watcher.EnableRaisingEvents = true;
            root.Watcher = watcher;
        }
#pragma warning disable CA1031 // Whatever inotify refuses (no instance, watch limit, a vanished directory), rescans take over.
        catch (Exception e)
#pragma warning restore CA1031
        {
            watcher?.Dispose();
            StartPolling(root.Path, e.Message);
        }
    }

    private static void Disarm(Root root)
    {
        root.Watcher?.Dispose();
        root.Watcher = null;
        root.Anchor?.Dispose();
        root.Anchor = null;
    }

    /// <summary>Called under <see cref="gate"/>.</summary>
    private void StartPolling(string path, string reason)
    {
        if (polling)
        {
            return;
        }

        polling = true;
        lastStamp = JobTreeStamp.Compute(directories);
        LogPolling(logger, path, reason, rescanInterval.TotalSeconds);
    }

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (IsRelevant(e.FullPath) || (e is RenamedEventArgs r && IsRelevant(r.OldFullPath)))
        {
            changes.Writer.TryWrite(true);
        }
    }

    /// <summary>
    /// Overflow (events lost), the watch limit reached in a new subdirectory, or the watched directory
    /// gone: from here on, rescans find what inotify may miss; and re-read everything now.
    /// </summary>
    private void OnError(object sender, ErrorEventArgs e)
    {
        var path = (sender as FileSystemWatcher)?.Path ?? "";
        lock (gate)
        {
            StartPolling(path, e.GetException().Message);
        }

        changes.Writer.TryWrite(true);
    }

    /// <summary>One pass of the periodic check: replaced or reappeared directories, and (when polling) changed files.</summary>
    internal void Rescan()
    {
        var changed = false;
        lock (gate)
        {
            foreach (var root in roots.Values)
            {
                var replaced = root.Anchor is null ? Directory.Exists(root.Path) : !root.Anchor.StillNamedBy(root.Path);
                if (replaced)
                {
                    LogDirectoryReplaced(logger, root.Path);
                    Disarm(root);
                    Arm(root);
                    changed = true;
                }
            }

            if (polling)
            {
                var stamp = JobTreeStamp.Compute(directories);
                changed |= stamp != lastStamp;
                lastStamp = stamp;
            }
        }

        if (changed)
        {
            changes.Writer.TryWrite(true);
        }
    }

    private async Task RescanLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(rescanInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                Rescan();
            }
#pragma warning disable CA1031 // The check must go on whatever one pass met (a directory mid-removal, a permission change).
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRescanFailed(logger, e.Message);
            }
        }
    }

    private async Task RunAsync(TimeSpan debounce, Func<CancellationToken, Task> onChanged, CancellationToken cancellationToken)
    {
        var reader = changes.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            reader.TryRead(out _);

            // Quiet period: keep waiting while changes keep arriving.
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                quiet.CancelAfter(debounce);
                try
                {
                    if (!await reader.WaitToReadAsync(quiet.Token).ConfigureAwait(false))
                    {
                        return;
                    }

                    reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }

            try
            {
                await onChanged(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed reload is logged; the watcher must survive to try the next change.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogReloadFailed(logger, e.Message);
            }
        }
    }

    private sealed class Root(string path)
    {
        public string Path { get; } = path;

        /// <summary>The directory being watched; null while none exists at <see cref="Path"/>.</summary>
        public DirectoryAnchor? Anchor { get; set; }

        public FileSystemWatcher? Watcher { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Path} with inotify ({Reason}); rescanning the job directories every {Seconds} s instead")]
    private static partial void LogPolling(ILogger logger, string path, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Dirs} with inotify again")]
    private static partial void LogWatchingAgain(ILogger logger, IReadOnlyList<string> dirs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job directory {Path} was removed, replaced or created; watching what is there now")]
    private static partial void LogDirectoryReplaced(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rescanning the job directories failed: {Reason}")]
    private static partial void LogRescanFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading the job directories failed: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
