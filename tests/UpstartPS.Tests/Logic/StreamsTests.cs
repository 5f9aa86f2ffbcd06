using System.Runtime.CompilerServices;
using UpstartPS.Connection;

namespace UpstartPS.Tests.Logic;

public sealed class StreamsTests
{
    private static async IAsyncEnumerable<int> Numbers(int from, int count, TimeSpan gap, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(gap, ct);
            yield return from + i;
        }
    }

    private static async IAsyncEnumerable<int> Forever([EnumeratorCancellation] CancellationToken ct = default)
    {
        var i = 0;
        while (true)
        {
            await Task.Delay(10, ct);
            yield return i++;
        }
    }

    [Fact]
    public void Items_arrive_one_at_a_time_until_the_stream_ends() =>
        Assert.Equal([1, 2, 3], Streams.Read(ct => Numbers(1, 3, TimeSpan.Zero, ct), CancellationToken.None));

    [Fact]
    public void A_timeout_ends_an_endless_stream_quietly()
    {
        var items = Streams.Read(Forever, CancellationToken.None, TimeSpan.FromMilliseconds(200)).ToList();
        Assert.NotEmpty(items);
    }

    [Fact]
    public void A_stop_ends_an_endless_stream_with_cancellation()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.ThrowsAny<OperationCanceledException>(() => Streams.Read(Forever, stop.Token).ToList());
    }

    [Fact]
    public async Task Leaving_early_cancels_the_stream()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<int> Watched([EnumeratorCancellation] CancellationToken ct = default)
        {
            using var registration = ct.Register(cancelled.SetResult);
            await foreach (var i in Forever(ct))
            {
                yield return i;
            }
        }

        Assert.Equal([0, 1], Streams.Read(Watched, CancellationToken.None).Take(2));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Merged_streams_deliver_every_item_of_every_source()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var merged = Streams.Read(ct => Streams.Merge<int>([c => Numbers(0, 3, TimeSpan.FromMilliseconds(5), c), c => Numbers(100, 3, TimeSpan.FromMilliseconds(7), c)], ct), cts.Token);
        Assert.Equal([0, 1, 2, 100, 101, 102], merged.Order());
    }

    [Fact]
    public void A_failing_source_fails_the_merged_stream()
    {
        static async IAsyncEnumerable<int> Broken([EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Yield();
            yield return 1;
            throw new IOException("gone");
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Throws<IOException>(() => Streams.Read(ct => Streams.Merge<int>([Broken], ct), cts.Token).ToList());
    }
}
