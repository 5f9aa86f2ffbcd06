using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

/// <summary>The daemon gives a burst's memory back once it is quiet, and only when the burst was worth it.</summary>
public sealed class QuietCollectorTests
{
    private long allocated;
    private int collections;

    private QuietCollector Collector(TimeSpan quiet) =>
        new(quiet, () => Interlocked.Read(ref allocated), () => Interlocked.Increment(ref collections), NullLogger.Instance);

    [Fact]
    public async Task A_burst_is_collected_once_the_quiet_period_has_passed()
    {
        using var collector = Collector(TimeSpan.FromMilliseconds(50));
        var collected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        collector.Collected += () => collected.TrySetResult();

        allocated = QuietCollector.MinimumAllocated;
        collector.Poke();
        collector.Poke();

        await collected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, collections);
    }

    [Fact]
    public void A_burst_smaller_than_the_minimum_is_not_worth_a_collection()
    {
        using var collector = Collector(Timeout.InfiniteTimeSpan);

        allocated = QuietCollector.MinimumAllocated - 1;
        collector.OnQuiet();

        Assert.Equal(0, collections);
    }

    [Fact]
    public void What_was_allocated_before_the_last_collection_does_not_count_again()
    {
        using var collector = Collector(Timeout.InfiniteTimeSpan);
        allocated = QuietCollector.MinimumAllocated;
        collector.OnQuiet();

        allocated += QuietCollector.MinimumAllocated / 2;
        collector.OnQuiet();
        Assert.Equal(1, collections);

        allocated += QuietCollector.MinimumAllocated / 2;
        collector.OnQuiet();
        Assert.Equal(2, collections);
    }
}
