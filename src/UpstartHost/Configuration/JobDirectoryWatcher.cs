using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace UpstartHost.Configuration;

/// <summary>
/// Watches the job directories (and their subdirectories: `net/apache.conf` is job `net/apache`) with
/// inotify through FileSystemWatcher, and calls back once a burst of changes has been quiet for the
/// debounce period — an editor's save is several events, and `cp -r` of a directory is hundreds.
/// A watcher overflow (events lost) also triggers a reload, which re-reads everything anyway.
/// </summary>
public sealed partial class JobDirectoryWatcher : IAsyncDisposable
{
    private readonly List<FileSystemWatcher> watchers = [];
    private readonly Channel<bool> changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource stopping = new();
    private readonly ILogger logger;
    private readonly Task loop;
    private int disposed;

    public JobDirectoryWatcher(IReadOnlyList<string> directories, TimeSpan debounce, Func<CancellationToken, Task> onChanged, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(onChanged);
        this.logger = logger;
        foreach (var dir in directories.Where(Directory.Exists))
        {
            var watcher = new FileSystemWatcher(dir)
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
            watchers.Add(watcher);
        }

        loop = Task.Run(() => RunAsync(debounce, onChanged, stopping.Token));
    }

    public int WatchedDirectories => watchers.Count;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        changes.Writer.TryComplete();
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
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

    private void OnChange(object sender, FileSystemEventArgs e)
    {
        if (IsRelevant(e.FullPath) || (e is RenamedEventArgs r && IsRelevant(r.OldFullPath)))
        {
            changes.Writer.TryWrite(true);
        }
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        LogWatchError(logger, e.GetException().Message);
        changes.Writer.TryWrite(true);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job directory watch: {Reason}; re-reading everything")]
    private static partial void LogWatchError(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reloading the job directories failed: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
