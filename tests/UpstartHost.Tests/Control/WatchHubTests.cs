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
}
