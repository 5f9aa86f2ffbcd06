using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol.Tests;

/// <summary>Log follow and watch streams, and cancelling requests of both kinds.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private UpstartClient _client = null!;

    private FakeControlHandler Handler => _server.Handler;

    public async Task InitializeAsync()
    {
        _server = TestServer.Start();
        _client = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Follow_delivers_new_lines_until_cancelled_and_the_daemon_stops_producing()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Deadline());
        var lines = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var line in _client.ReadLogAsync("web", tail: 1, follow: true, cancellationToken: stop.Token))
            {
                lines.Add(line.Line);
                if (line.Line == "line 1")
                {
                    Handler.FollowedLines.Writer.TryWrite("fresh");
                }
                else
                {
                    await stop.CancelAsync();
                }
            }
        });

        Assert.Equal(["line 1", "fresh"], lines);
        await Handler.StreamCancelled.Task.WaitAsync(TestServer.Deadline());
    }

    [Fact]
    public async Task Breaking_out_of_a_follow_loop_cancels_it_on_the_daemon()
    {
        await foreach (var line in _client.ReadLogAsync("web", tail: 5, follow: true, cancellationToken: TestServer.Deadline()))
        {
            break;
        }

        await Handler.StreamCancelled.Task.WaitAsync(TestServer.Deadline());
        Assert.Equal("init (upstart 1.13.2)", await _client.GetVersionAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task Watch_with_history_sends_recent_events_first_then_live_ones()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Deadline());
        var seen = new List<EventInfo>();
        Handler.LiveEvents.Writer.TryWrite(new EventInfo { Name = "net-device-up", Environment = ["IFACE=eth0"] });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in _client.WatchAsync(includeHistory: true, stop.Token))
            {
                seen.Add(item);
                if (seen.Count == 3)
                {
                    await stop.CancelAsync();
                }
            }
        });

        Assert.Equal(["startup", "ssh", "net-device-up"], seen.Select(e => e.Name));
        Assert.Equal(("state", "running"), (seen[1].Kind, seen[1].State));
        Assert.Equal(["IFACE=eth0"], seen[2].Environment);
    }

    [Fact]
    public async Task A_stream_that_fails_throws_the_error_to_the_reader()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(async () =>
        {
            await foreach (var line in _client.ReadLogAsync("missing", cancellationToken: TestServer.Deadline()))
            {
                Assert.Fail("no line expected, got " + line);
            }
        });

        Assert.Equal(UpstartErrorCode.UnknownJob, error.Code);
    }

    [Fact]
    public async Task Two_streams_and_requests_share_one_connection()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Deadline());
        var watch = _client.WatchAsync(cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
        var follow = _client.ReadLogAsync("web", tail: 0, follow: true, cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
        var nextEvent = watch.MoveNextAsync().AsTask();
        var nextLine = follow.MoveNextAsync().AsTask();

        Assert.Equal(3, (await _client.ListAsync(stop.Token)).Count);
        Handler.LiveEvents.Writer.TryWrite(new EventInfo { Name = "ping" });
        Handler.FollowedLines.Writer.TryWrite("pong");

        Assert.True(await nextEvent);
        Assert.True(await nextLine);
        Assert.Equal(("ping", "pong"), (watch.Current.Name, follow.Current.Line));
        await stop.CancelAsync();
        await watch.DisposeAsync();
        await follow.DisposeAsync();
    }

    [Fact]
    public async Task Cancelling_a_waiting_start_cancels_it_on_the_daemon_and_the_connection_stays_usable()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Deadline());
        var start = _client.StartAsync("slow", cancellationToken: stop.Token);

        Assert.False(start.IsCompleted);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        await Handler.SlowCancelled.Task.WaitAsync(TestServer.Deadline());
        Assert.Equal("cron", (await _client.StopAsync("cron", cancellationToken: TestServer.Deadline())).Name);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.StartAsync("web", cancellationToken: cancelled.Token));

        Assert.Equal("init (upstart 1.13.2)", await _client.GetVersionAsync(TestServer.Deadline()));
        Assert.DoesNotContain(Handler.Calls, c => c.StartsWith("start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_the_client_ends_its_streams_on_the_daemon()
    {
        var follow = _client.ReadLogAsync("web", tail: 0, follow: true, cancellationToken: TestServer.Deadline()).GetAsyncEnumerator();
        var next = follow.MoveNextAsync().AsTask();
        await Handler.FollowWaiting.Task.WaitAsync(TestServer.Deadline());

        await _client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => next);
        await Handler.StreamCancelled.Task.WaitAsync(TestServer.Deadline());
    }
}
