using Microsoft.Extensions.Logging;

namespace UpstartHost.Hosting;

/// <summary>
/// Gives the memory of a burst of work back once the daemon is quiet again. Start-up, a catalog load or a
/// thousand jobs starting allocate tens of MiB that are garbage a moment later, but the GC only collects
/// when its budget runs out, and a daemon at rest allocates almost nothing: without this the regions stay
/// committed (and resident) for as long as the daemon is idle — 37 MiB of a 50 MiB VmRSS with 1,000 jobs
/// (docs/performance.md). Each <see cref="Poke"/> (a job changed state, the catalog was read) restarts a
/// quiet period; when it elapses and the burst allocated at least <see cref="MinimumAllocated"/> bytes,
/// one aggressive collection compacts the heap and decommits what it no longer uses. Bounded cost: at
/// most one collection per quiet period, and none for a burst too small to matter.
/// </summary>
public sealed partial class QuietCollector : IDisposable
{
    /// <summary>Below this much allocated since the last collection, a collection would give little back.</summary>
    public const long MinimumAllocated = 1 << 20;

    private readonly TimeSpan quiet;
    private readonly Func<long> allocatedBytes;
    private readonly Action collect;
    private readonly ILogger logger;
    private readonly Timer timer;
    private long allocatedAtLastCollection;

    public QuietCollector(TimeSpan quiet, ILogger logger)
        : this(quiet, () => GC.GetTotalAllocatedBytes(), CollectAggressively, logger)
    {
    }

    /// <summary>For tests: the allocation counter and the collection are the caller's.</summary>
    internal QuietCollector(TimeSpan quiet, Func<long> allocatedBytes, Action collect, ILogger logger)
    {
        this.quiet = quiet;
        this.allocatedBytes = allocatedBytes;
        this.collect = collect;
        this.logger = logger;
        timer = new Timer(_ => OnQuiet(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after each collection (tests wait on it instead of sleeping).</summary>
    internal event Action? Collected;

    /// <summary>Something happened: the quiet period starts again from now.</summary>
    public void Poke() => timer.Change(quiet, Timeout.InfiniteTimeSpan);

    public void Dispose() => timer.Dispose();

    /// <summary>The quiet period has elapsed (the timer calls this; tests may too).</summary>
    internal void OnQuiet()
    {
        var allocated = allocatedBytes();
        var since = allocated - Interlocked.Read(ref allocatedAtLastCollection);
        if (since < MinimumAllocated)
        {
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        collect();
        var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Interlocked.Exchange(ref allocatedAtLastCollection, allocatedBytes());
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        LogCollected(logger, since >> 10, took.TotalMilliseconds, heap >> 10);
        Collected?.Invoke();
    }

    // Aggressive: full, blocking and compacting, and the GC decommits the free regions at once instead of
    // keeping them as a reserve for allocations that a daemon at rest will not make.
    private static void CollectAggressively() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quiet again: collected after {AllocatedKiB} KiB allocated, in {Milliseconds:F2} ms; heap now {HeapKiB} KiB")]
    private static partial void LogCollected(ILogger logger, long allocatedKiB, double milliseconds, long heapKiB);
}
