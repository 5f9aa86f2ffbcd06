using UpstartHost.Control;
using UpstartHost.Engine;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Tests.Control;

/// <summary>A watch across the daemon's re-exec: the old program's hub hands its watchers over, the new one's takes them back.</summary>
public sealed class WatchHubHandoverTests
{
    private static EngineNotification Event(string name) => new(DateTimeOffset.UtcNow, NotificationKind.Event, name, [], null, null, null, null);

    private static EngineNotification State(string job) =>
        new(DateTimeOffset.UtcNow, NotificationKind.State, job, [], job, "", JobGoal.Start, JobState.Running);

    [Fact]
    public async Task A_handover_sends_what_is_queued_then_ends_with_the_resume_token()
    {
        var hub = new WatchHub(bufferSize: 16);
        using var handover = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        var stream = hub.SubscribeAsync(includeHistory: false, resume: false, handover.Token, deadline.Token).GetAsyncEnumerator(deadline.Token);
        var first = stream.MoveNextAsync();
        hub.Publish(Event("a"));
        Assert.True(await first);
        seen.Add(stream.Current.Name);

        // Queued and not yet read when the handover fires: still delivered, before the end.
        hub.Publish(Event("b"));
        hub.Publish(Event("c"));
        await handover.CancelAsync();
        var ended = await Assert.ThrowsAsync<StreamHandoverException>(async () =>
        {
            while (await stream.MoveNextAsync())
            {
                seen.Add(stream.Current.Name);
            }
        });
        await stream.DisposeAsync();

        Assert.Equal(["a", "b", "c"], seen);
        Assert.Equal(WatchHub.ResumeToken, ended.Resume);
        Assert.Equal(0, hub.SubscriberCount);
    }

    [Fact]
    public async Task A_watcher_coming_back_gets_every_notification_since_the_replay_began_then_live_ones()
    {
        var hub = new WatchHub(bufferSize: 16, historySize: 1);
        hub.BeginReplay();
        hub.Publish(Event("startup"));
        hub.Publish(State("web"));
        hub.Publish(Event("started"));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (var e in hub.SubscribeAsync(includeHistory: true, resume: true, CancellationToken.None, deadline.Token))
        {
            seen.Add(e.Kind + ":" + e.Name);
            if (seen.Count == 3)
            {
                hub.Publish(Event("live"));
            }
            else if (seen.Count == 4)
            {
                break;
            }
        }

        // Not the history (one event, events only): the state change is there, and nothing twice.
        Assert.Equal(["event:startup", "state:web", "event:started", "event:live"], seen);
    }

    [Fact]
    public async Task BeginReplay_starts_over_from_the_handover()
    {
        var hub = new WatchHub();
        hub.Publish(Event("before"));
        hub.BeginReplay();
        hub.Publish(Event("after"));

        Assert.Equal(["after"], await FirstAsync(hub, 1));
    }

    [Fact]
    public async Task Too_many_notifications_since_the_start_fail_the_resume_saying_why()
    {
        var hub = new WatchHub();
        hub.BeginReplay();
        for (var i = 0; i <= WatchHub.ReplayLimit; i++)
        {
            hub.Publish(Event("e" + i));
        }

        Assert.False(hub.KeepsReplay);
        var failed = await Assert.ThrowsAsync<UpstartException>(() => FirstAsync(hub, 1));
        Assert.Equal(UpstartErrorCode.ResumeFailed, failed.Code);
        Assert.Contains($"more than {WatchHub.ReplayLimit} events", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resume_after_the_window_fails_and_the_replay_is_let_go()
    {
        var time = new SteppedTime();
        var hub = new WatchHub(time: time);
        hub.BeginReplay();
        hub.Publish(Event("startup"));
        Assert.True(hub.KeepsReplay);

        time.Advance(WatchHub.ReplayWindow + TimeSpan.FromSeconds(1));
        hub.Publish(Event("later"));

        Assert.False(hub.KeepsReplay);
        var failed = await Assert.ThrowsAsync<UpstartException>(() => FirstAsync(hub, 1));
        Assert.Equal(UpstartErrorCode.ResumeFailed, failed.Code);
        Assert.Contains("within 60 s", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_daemon_that_did_not_re_exec_keeps_nothing_and_refuses_a_resume()
    {
        var hub = new WatchHub();
        hub.Publish(Event("startup"));

        Assert.False(hub.KeepsReplay);
        var failed = await Assert.ThrowsAsync<UpstartException>(() => FirstAsync(hub, 1));
        Assert.Equal(UpstartErrorCode.ResumeFailed, failed.Code);
        Assert.Contains("has not re-executed", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_not_resuming_is_unaffected_by_the_replay_limits()
    {
        var hub = new WatchHub(historySize: 2);
        hub.BeginReplay();
        for (var i = 0; i <= WatchHub.ReplayLimit; i++)
        {
            hub.Publish(Event("e" + i));
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (var e in hub.SubscribeAsync(includeHistory: true, deadline.Token))
        {
            seen.Add(e.Name);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([$"e{WatchHub.ReplayLimit - 1}", $"e{WatchHub.ReplayLimit}"], seen);
    }

    private static async Task<List<string>> FirstAsync(WatchHub hub, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (var e in hub.SubscribeAsync(includeHistory: false, resume: true, CancellationToken.None, deadline.Token))
        {
            seen.Add(e.Name);
            if (seen.Count == count)
            {
                break;
            }
        }

        return seen;
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
    }
}
