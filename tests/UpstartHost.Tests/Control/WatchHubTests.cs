using UpstartHost.Control;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Control;

public class WatchHubTests
{
    private static EngineNotification Event(string name) => new(DateTimeOffset.UtcNow, NotificationKind.Event, name, [], null, null, null, null);

    [Fact]
    public async Task A_subscriber_receives_history_then_live_events()
    {
        var hub = new WatchHub(bufferSize: 16, historySize: 2);
        hub.Publish(Event("a"));
        hub.Publish(Event("b"));
        hub.Publish(Event("c"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (var e in hub.SubscribeAsync(includeHistory: true, cts.Token))
        {
            seen.Add(e.Name);
            if (seen.Count == 2)
            {
                hub.Publish(Event("d"));
            }

            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["b", "c", "d"], seen);
        Assert.Equal(0, hub.SubscriberCount);
    }

    [Fact]
    public async Task A_slow_subscriber_is_dropped_and_publishing_never_waits()
    {
        var hub = new WatchHub(bufferSize: 16);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stream = hub.SubscribeAsync(false, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = stream.MoveNextAsync();
        hub.Publish(Event("first"));
        Assert.True(await first);

        // Nobody reads now: 10,000 notifications must still go through at once.
        for (var i = 0; i < 10_000; i++)
        {
            hub.Publish(Event("e" + i));
        }

        Assert.Equal(0, hub.SubscriberCount);
        await Assert.ThrowsAsync<WatchOverflowException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
        await stream.DisposeAsync();
    }

    private static EngineNotification Big(string name, int valueBytes) =>
        new(DateTimeOffset.UtcNow, NotificationKind.Event, name, ["VALUE=" + new string('v', valueBytes)], null, null, null, null);

    [Fact]
    public void Six_hundred_events_of_a_megabyte_keep_no_more_history_than_the_byte_bound()
    {
        var hub = new WatchHub();
        for (var i = 0; i < 600; i++)
        {
            hub.Publish(Big("huge" + i, 1_000_000));
        }

        Assert.Equal(0, hub.HistoryBytes);
    }

    [Fact]
    public async Task History_of_large_events_stays_within_its_byte_bound_and_keeps_the_newest()
    {
        var hub = new WatchHub(historySize: 10_000, historyBytes: 1024 * 1024);
        for (var i = 0; i < 600; i++)
        {
            hub.Publish(Big("e" + i, 30_000));
        }

        Assert.InRange(hub.HistoryBytes, 900 * 1024, 1024 * 1024);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? last = null;
        var count = 0;
        await using var stream = hub.SubscribeAsync(includeHistory: true, cts.Token).GetAsyncEnumerator(cts.Token);
        var perEvent = WatchHub.SizeOf(Big("e0", 30_000));
        var kept = (int)(hub.HistoryBytes / perEvent);
        while (count < kept && await stream.MoveNextAsync())
        {
            last = stream.Current.Name;
            count++;
        }

        Assert.Equal("e599", last);
    }

    [Fact]
    public async Task A_watcher_that_lets_large_events_pile_up_is_dropped_by_bytes_before_the_count_bound()
    {
        var hub = new WatchHub(bufferSize: 1024, subscriberBytes: 256 * 1024);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stream = hub.SubscribeAsync(false, cts.Token).GetAsyncEnumerator(cts.Token);
        var first = stream.MoveNextAsync();
        hub.Publish(Event("first"));
        Assert.True(await first);

        for (var i = 0; i < 20; i++)
        {
            hub.Publish(Big("big" + i, 30_000));
        }

        Assert.Equal(0, hub.SubscriberCount);
        await Assert.ThrowsAsync<WatchOverflowException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
            }
        });
        await stream.DisposeAsync();
    }
}
