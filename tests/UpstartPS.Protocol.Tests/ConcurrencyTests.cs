using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>Many clients at once, and clients that misbehave by not reading.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Fifty_clients_each_with_many_requests_all_get_their_answers()
    {
        await using var server = TestServer.Start();
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => server.ConnectAsync()));
        try
        {
            var work = clients.Select(async (client, n) =>
            {
                for (var i = 0; i < 20; i++)
                {
                    var job = await client.StopAsync($"c{n}-{i}", cancellationToken: TestServer.Deadline());
                    Assert.Equal($"c{n}-{i}", job.Name);
                    Assert.Equal(3, (await client.ListAsync(TestServer.Deadline())).Count);
                }
            });

            await Task.WhenAll(work);

            Assert.Equal(50, server.Server.ConnectionCount);
            Assert.Equal(50 * 20 * 2, server.Handler.Calls.Count);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_client_that_never_reads_its_stream_is_dropped_without_stalling_others()
    {
        await using var server = TestServer.Start(path => new ControlServerOptions { SocketPath = path, WriteTimeout = TimeSpan.FromMilliseconds(300) });
        using var stuck = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());
        await using var healthy = await server.ConnectAsync();

        // Ask for a follow and never read: the socket buffers fill, the server's writes time out, it hangs up.
        await stuck.SendFrameAsync("""{"id":1,"op":"log","job":"web","tail":0,"follow":true}""", TestServer.Deadline());
        await server.Handler.FollowWaiting.Task.WaitAsync(TestServer.Deadline());
        var flood = new string('x', 1024);
        var deadline = TestServer.Deadline();
        while (!server.Handler.LogStreamClosed.Task.IsCompleted)
        {
            server.Handler.FollowedLines.Writer.TryWrite(flood);
            Assert.Equal("init (upstart 1.13.2)", await healthy.GetVersionAsync(deadline));
        }

        Assert.Equal(3, (await healthy.ListAsync(TestServer.Deadline())).Count);
        Assert.True(await stuck.DrainUntilClosedAsync(TestServer.Deadline()) > 0);
    }

    [Fact]
    public async Task A_slow_request_does_not_hold_up_later_requests_on_the_same_connection()
    {
        await using var server = TestServer.Start();
        await using var client = await server.ConnectAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Deadline());

        var slow = client.StartAsync("slow", cancellationToken: stop.Token);
        var quick = await client.StopAsync("cron", cancellationToken: TestServer.Deadline());

        Assert.Equal("cron", quick.Name);
        Assert.False(slow.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
    }

    [Fact]
    public async Task Requests_beyond_the_in_flight_limit_are_refused_not_queued()
    {
        await using var server = TestServer.Start(path => new ControlServerOptions { SocketPath = path, MaxRequestsInFlight = 2 });
        await using var client = await server.ConnectAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestServer.Deadline());
        var first = client.StartAsync("slow", cancellationToken: stop.Token);
        var second = client.StopAsync("slow", cancellationToken: stop.Token);

        var error = await Assert.ThrowsAsync<UpstartException>(() => client.RestartAsync("slow", cancellationToken: TestServer.Deadline()));

        Assert.Contains("Too many requests in flight", error.Message);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_at_once()
    {
        await using var server = TestServer.Start(path => new ControlServerOptions { SocketPath = path, MaxConnections = 2, RootConnectionReserve = 0 });
        await using var one = await server.ConnectAsync();
        await using var two = await server.ConnectAsync();

        var error = await Assert.ThrowsAsync<UpstartException>(() => server.ConnectAsync());

        Assert.Equal((UpstartErrorCode.TooManyConnections, "Too many connections: the daemon serves 2 at once"), (error.Code, error.Message));
        Assert.Equal("init (upstart 1.13.2)", await one.GetVersionAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task The_command_lines_client_beyond_the_limit_is_told_why()
    {
        await using var server = TestServer.Start(path => new ControlServerOptions { SocketPath = path, MaxConnections = 1, RootConnectionReserve = 0 });
        await using var one = await server.ConnectAsync();
        using var refused = UpstartPS.Protocol.Client.BlockingUpstartClient.Connect(new UpstartPS.Protocol.Client.UpstartClientOptions { SocketPath = server.SocketPath });

        var error = Assert.Throws<UpstartException>(() => refused.List());

        Assert.Equal((UpstartErrorCode.TooManyConnections, "Too many connections: the daemon serves 1 at once"), (error.Code, error.Message));
    }

    [Fact]
    public async Task Stopping_the_server_cancels_running_requests_and_closes_every_connection()
    {
        var server = TestServer.Start();
        await using var client = await server.ConnectAsync();
        var slow = client.StartAsync("slow", cancellationToken: TestServer.Deadline());
        await server.Handler.SlowStarted.Task.WaitAsync(TestServer.Deadline());

        await server.DisposeAsync();

        await server.Handler.SlowCancelled.Task.WaitAsync(TestServer.Deadline());
        var error = await Assert.ThrowsAsync<UpstartException>(() => slow);
        Assert.Equal((UpstartErrorCode.ShuttingDown, "The daemon is shutting down"), (error.Code, error.Message));
        Assert.Equal(0, server.Server.ConnectionCount);
        Assert.False(File.Exists(server.SocketPath));
    }

    [Fact]
    public async Task Stopping_the_server_tells_a_follow_that_ends_quietly_when_cancelled_that_the_daemon_is_shutting_down()
    {
        var server = TestServer.Start();
        await using var client = await server.ConnectAsync();
        var lines = new List<string>();
        var following = Task.Run(async () =>
        {
            await foreach (var line in client.ReadLogAsync("quiet", tail: 1, follow: true, cancellationToken: TestServer.Deadline()))
            {
                lines.Add(line.Line);
            }
        });
        await server.Handler.FollowWaiting.Task.WaitAsync(TestServer.Deadline());

        await server.DisposeAsync();

        await server.Handler.StreamCancelled.Task.WaitAsync(TestServer.Deadline());
        var error = await Assert.ThrowsAsync<UpstartException>(() => following);
        Assert.Equal((UpstartErrorCode.ShuttingDown, "The daemon is shutting down"), (error.Code, error.Message));
        Assert.Equal(["line 1"], lines);
    }
}
