using System.Net.Sockets;
using System.Text.Json;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Streams handed over at a re-exec: the server ends each with `end` and `resume`, answers nobody new meanwhile,
/// and the clients carry on over a new connection from the resume point. The fake handler plays both programs:
/// <see cref="StreamHandover.Abandon"/> stands for the next program taking the socket.
/// </summary>
public sealed class StreamHandoverTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private FakeControlHandler Handler => _server.Handler;

    private StreamHandover Handover => Handler.Handover;

    public Task InitializeAsync()
    {
        var handler = new FakeControlHandler();
        _server = TestServer.Start(path => new ControlServerOptions { SocketPath = path, DaemonVersion = "9.9.9", Handover = handler.Handover }, handler);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Handover.Dispose();
    }

    [Fact]
    public async Task A_stream_handed_over_ends_with_an_end_frame_carrying_its_resume_point()
    {
        var deadline = TestServer.Deadline();
        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);
        await raw.SendFrameAsync("""{"id":5,"op":"log","job":"web","tail":0,"follow":true}""", deadline);
        await Handler.FollowWaiting.Task.WaitAsync(deadline);
        Handler.FollowedLines.Writer.TryWrite("before");
        Assert.Equal("before", (await raw.ReadFrameAsync(deadline))?.GetProperty("line").GetProperty("line").GetString());

        var handedOver = Task.Run(() => Handover.HandOver(TimeSpan.FromSeconds(10)), deadline);
        var end = await raw.ReadFrameAsync(deadline);

        Assert.Equal(5, end?.GetProperty("id").GetInt64());
        Assert.Equal("end", end?.GetProperty("type").GetString());
        Assert.Equal("line@1", end?.GetProperty("resume").GetString());
        Assert.True(await handedOver, "HandOver returns true once every stream has sent its end frame");
        Assert.Equal(0, Handover.OpenStreams);
    }

    [Fact]
    public async Task While_handing_over_new_connections_wait_in_the_backlog_and_are_served_after_Abandon()
    {
        var deadline = TestServer.Deadline();
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(1)), "nothing open: nothing to wait for");
        Assert.True(Handover.InProgress);

        // The connection is made (the kernel queues it) and its hello sent, but nobody reads it: it waits for the
        // next program, which inherits the listening socket; Abandon stands for it (or for this one carrying on).
        using var raw = await RawConnection.ConnectAsync(_server.SocketPath, deadline);
        await raw.SendFrameAsync(RawConnection.Hello, deadline);
        Assert.Equal(0, _server.Server.ConnectionCount);

        Handover.Abandon();
        Assert.Equal("hello", (await raw.ReadFrameAsync(deadline))?.GetProperty("type").GetString());
        await using var client = await _server.ConnectAsync();
        Assert.Equal("init (upstart 1.13.2)", await client.GetVersionAsync(deadline));
    }

    [Fact]
    public async Task HandOver_gives_up_after_its_bound_on_a_stream_that_does_not_end()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        await using var lines = client.ReadLogAsync("deaf", tail: 0, follow: true, cancellationToken: deadline).GetAsyncEnumerator(deadline);
        var first = lines.MoveNextAsync();
        await Handler.FollowWaiting.Task.WaitAsync(deadline);

        Assert.False(Handover.HandOver(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(1, Handover.OpenStreams);

        Handover.Abandon();
        Handler.FollowedLines.Writer.TryWrite("still here");
        Assert.True(await first);
        Assert.Equal("still here", lines.Current.Line);
    }

    [Fact]
    public async Task UpstartClient_follow_carries_on_over_a_new_connection_from_the_resume_point()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        var seen = new List<string>();
        await foreach (var line in client.ReadLogAsync("web", tail: 1, follow: true, cancellationToken: deadline))
        {
            seen.Add(line.Line);
            if (line.Line == "line 1")
            {
                Handler.FollowedLines.Writer.TryWrite("before");
            }
            else if (line.Line == "before")
            {
                // The old program ends the stream; the next one (Abandon: this server serving again) takes it.
                Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
                Handover.Abandon();
            }
            else if (line.Line.StartsWith("resumed", StringComparison.Ordinal))
            {
                Handler.FollowedLines.Writer.TryWrite("after");
            }
            else
            {
                break;
            }
        }

        Assert.Equal(["line 1", "before", "resumed from line@1", "after"], seen);
        Assert.Contains("log web  tail=1 follow=True resume=line@1", Handler.Calls);
    }

    [Fact]
    public async Task UpstartClient_watch_carries_on_over_a_new_connection()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        Handler.LiveEvents.Writer.TryWrite(new EventInfo { Name = "before" });
        var seen = new List<string>();
        await foreach (var item in client.WatchAsync(includeHistory: false, deadline))
        {
            seen.Add(item.Name);
            if (item.Name == "before")
            {
                Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
                Handover.Abandon();
                Handler.LiveEvents.Writer.TryWrite(new EventInfo { Name = "after" });
            }
            else if (item.Name == "after")
            {
                break;
            }
        }

        Assert.Equal(["before", "resumed from events@1", "after"], seen);
    }

    [Fact]
    public async Task UpstartClient_waits_for_the_next_program_while_the_old_one_accepts_no_connection()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        var resumed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            await foreach (var line in client.ReadLogAsync("web", tail: 0, follow: true, cancellationToken: deadline))
            {
                resumed.TrySetResult(line.Line);
                break;
            }
        }, deadline);
        await Handler.FollowWaiting.Task.WaitAsync(deadline);

        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
        // The end frame is out: the client's new connection waits in the backlog, and reaches no handler until
        // the next program (Abandon) serves.
        await Task.Yield();
        Assert.False(resumed.Task.IsCompleted);
        Assert.DoesNotContain(Handler.Calls, c => c.Contains("resume=", StringComparison.Ordinal));

        Handover.Abandon();
        Assert.Equal("resumed from line@0", await resumed.Task.WaitAsync(deadline));
        await reading;
    }

    [Fact]
    public async Task BlockingUpstartClient_follow_carries_on_over_a_new_connection()
    {
        var deadline = TestServer.Deadline();
        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = _server.SocketPath });
        var seen = new List<string>();
        var reading = Task.Run(() =>
        {
            foreach (var line in client.ReadLog("web", tail: 1, follow: true))
            {
                lock (seen)
                {
                    seen.Add(line.Line);
                }

                if (line.Line == "after")
                {
                    return;
                }
            }
        }, deadline);

        await Handler.FollowWaiting.Task.WaitAsync(deadline);
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
        Handover.Abandon();
        await WaitUntilAsync(() => Handler.Calls.Contains("log web  tail=1 follow=True resume=line@0"), deadline);
        Handler.FollowedLines.Writer.TryWrite("after");
        await reading.WaitAsync(deadline);

        Assert.Equal(["line 1", "resumed from line@0", "after"], seen);
    }

    [Fact]
    public async Task Every_stream_request_sent_before_the_handover_has_its_end_frame_on_the_client_side_when_HandOver_returns()
    {
        // The race the exec would turn into cut connections: requests the server had not read yet when the
        // handover began. Sent all at once, then HandOver at once: most are still unread when it fires.
        var deadline = TestServer.Deadline();
        var raws = new List<RawConnection>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                raws.Add(await RawConnection.HandshakenAsync(_server.SocketPath, deadline));
            }

            foreach (var raw in raws)
            {
                await raw.SendFrameAsync("""{"id":7,"op":"log","job":"web","tail":0,"follow":true}""", deadline);
            }

            Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));

            // Right now, as the exec would close them: every answer must already be on the clients' side.
            foreach (var raw in raws)
            {
                var end = raw.ReadArrivedFrame();
                Assert.Equal("end", end?.GetProperty("type").GetString());
                Assert.Equal("line@0", end?.GetProperty("resume").GetString());
            }
        }
        finally
        {
            raws.ForEach(static r => r.Dispose());
        }
    }

    [Fact]
    public async Task A_request_read_before_the_daemon_stops_taking_requests_is_answered_before_it_goes_on()
    {
        // The daemon stops taking requests while its engine still runs, so a `start` already read is answered
        // by this program rather than cut by the exec.
        var deadline = TestServer.Deadline();
        using var raw = await StartBeingServedAsync("stuck", Handler.StuckStarted, deadline);

        var stopping = Task.Run(() => Handover.StopTakingRequests(TimeSpan.FromSeconds(10)), deadline);
        Assert.False(stopping.IsCompleted, "the start is still being served");
        Handler.Unstick.Set();

        Assert.True(await stopping.WaitAsync(deadline));
        var answer = raw.ReadArrivedFrame();
        Assert.Equal((4, "result"), (answer?.GetProperty("id").GetInt32(), answer?.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Stopping_to_take_requests_gives_up_after_its_bound_on_a_request_that_does_not_end()
    {
        // A handler slow to answer a request that does not wait for a job (here a start without waiting, never
        // answered): the re-exec waits for it up to its bound, then goes on, and the exec cuts it.
        var deadline = TestServer.Deadline();
        using var raw = await StartBeingServedAsync("slow", Handler.SlowStarted, deadline, wait: false);

        Assert.False(Handover.StopTakingRequests(TimeSpan.FromMilliseconds(200)));
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)), "no stream, and this request is none");
        Assert.False(Handler.SlowCancelled.Task.IsCompleted, "not ended by the handover: the exec cuts it");
        Assert.Null(raw.ReadArrivedFrame());
        Handover.Abandon();
    }

    [Fact]
    public async Task A_waiting_start_the_handler_has_does_not_hold_the_re_exec_back_and_ends_with_its_resume()
    {
        // The handler has made the change (the start is in the engine's queue) and waits for a job slow to start:
        // nothing is gained by waiting for it before the exec, since the next program waits for the rest.
        var deadline = TestServer.Deadline();
        using var raw = await StartBeingServedAsync("slow", Handler.SlowStarted, deadline);

        Assert.True(Handover.StopTakingRequests(TimeSpan.FromSeconds(10)), "the waiting start held the re-exec back");
        Assert.False(Handler.SlowCancelled.Task.IsCompleted, "still waiting while the engine runs: answered as usual if it gets there");

        // The streams' step ends it with ReExecuted and its `resume`, for the next program to wait for the rest.
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
        var answer = (await raw.ReadFrameAsync(deadline))!.Value;
        Assert.Equal(("error", "ReExecuted", "start"), (answer.GetProperty("type").GetString(), answer.GetProperty("error").GetProperty("code").GetString(), answer.GetProperty("resume").GetString()));
        Handover.Abandon();
    }

    [Fact]
    public async Task A_held_client_is_no_longer_connected_once_the_daemon_stops_reading_it_and_its_request_says_it_was_not_sent()
    {
        // The PowerShell module checks IsConnected before each command and connects again when it is false.
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        Assert.True(client.IsConnected);

        Assert.True(Handover.StopTakingRequests(TimeSpan.FromSeconds(10)));

        Assert.False(client.IsConnected, "open until the exec, but nothing sent on it would be read");
        var lost = await Assert.ThrowsAsync<UpstartException>(() => client.GetVersionAsync(deadline));
        Assert.Equal(UpstartErrorCode.NotConnected, lost.Code);
        Assert.Contains("not sent, so not carried out", lost.Message, StringComparison.Ordinal);
        Handover.Abandon();
    }

    /// <summary>
    /// What a re-exec does to a request still waiting: the daemon stops taking requests (not waiting for this one, which
    /// the handler has), hands the streams over (ending the request with ReExecuted), then the exec; here it fails, so
    /// the same server plays the next program and answers the client's await.
    /// </summary>
    private void ReExecUnderTheWaitingRequest()
    {
        Assert.True(Handover.StopTakingRequests(TimeSpan.FromSeconds(10)));
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
        Handover.Abandon();
    }

    /// <summary>A raw connection whose `start` of <paramref name="job"/> (the fake's "stuck" or "slow") the handler is serving.</summary>
    private async Task<RawConnection> StartBeingServedAsync(string job, TaskCompletionSource started, CancellationToken deadline, bool wait = true)
    {
        var raw = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);
        await raw.SendFrameAsync(JsonSerializer.Serialize(new { id = 4, op = "start", job, env = Array.Empty<string>(), wait }), deadline);
        await started.Task.WaitAsync(deadline);
        return raw;
    }

    [Fact]
    public async Task After_the_handover_began_a_request_fails_to_send_and_the_connection_stays_open_until_the_exec()
    {
        var deadline = TestServer.Deadline();
        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);

        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));

        // The client learns at once that this request was never read, so it may send it to the next program.
        await Assert.ThrowsAnyAsync<SocketException>(() => raw.SendFrameAsync("""{"id":1,"op":"version"}""", deadline));
        Assert.False(raw.ClosedByServer, "open until the exec: a closed connection would not tell the client its request was unread");
        Assert.DoesNotContain(Handler.Calls, c => c.StartsWith("version", StringComparison.Ordinal));

        // The exec failed: the connection closes, and the client connects again.
        Handover.Abandon();
        Assert.Null(await raw.ReadFrameAsync(deadline));
    }

    [Fact]
    public async Task The_connection_that_asked_for_the_re_exec_reads_on_and_is_served_when_the_exec_fails()
    {
        var deadline = TestServer.Deadline();
        var failedExec = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Handler.ReExec = () => Task.Run(() =>
        {
            failedExec.SetResult(Handover.HandOver(TimeSpan.FromSeconds(10)));
            Handover.Abandon();
        });
        using var asker = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);
        using var other = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);

        await asker.SendFrameAsync("""{"id":1,"op":"re-exec"}""", deadline);
        Assert.Equal("result", (await asker.ReadFrameAsync(deadline))?.GetProperty("type").GetString());
        Assert.True(await failedExec.Task.WaitAsync(deadline), "HandOver does not wait for the asker to stop reading");

        // The asker's client waits on its connection to learn whether the exec happened: open and answering, it did not.
        await asker.SendFrameAsync("""{"id":2,"op":"version"}""", deadline);
        Assert.Equal(2, (await asker.ReadFrameAsync(deadline))?.GetProperty("id").GetInt64());
        Assert.Null(await other.ReadFrameAsync(deadline));
    }

    [Fact]
    public async Task UpstartClient_sends_a_follow_the_old_program_never_read_to_the_next_one()
    {
        // Two programs on one listening socket, as across a re-exec; the old one never takes its requests back.
        var deadline = TestServer.Deadline();
        var directory = TestServer.NewDirectory();
        var path = Path.Combine(directory, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        try
        {
            var oldHandler = new FakeControlHandler();
            await using var old = TestServer.Start(_ => new ControlServerOptions { SocketPath = path, Listener = listener, Handover = oldHandler.Handover }, oldHandler);
            await using var client = await old.ConnectAsync();
            Assert.True(oldHandler.Handover.HandOver(TimeSpan.FromSeconds(10)));

            // Its send fails on the connection the old program no longer reads; it connects again, and waits in the
            // backlog until the next program takes the socket (before or after the send failed: either way).
            var reading = Task.Run(async () =>
            {
                await foreach (var line in client.ReadLogAsync("web", tail: 1, follow: true, cancellationToken: deadline))
                {
                    return line.Line;
                }

                return null;
            }, deadline);
            await using var next = TestServer.Start(_ => new ControlServerOptions { SocketPath = path, Listener = listener });

            Assert.Equal("line 1", await reading.WaitAsync(deadline));
            Assert.Equal(["log web  tail=1 follow=True"], next.Handler.Calls.Where(c => c.StartsWith("log", StringComparison.Ordinal)));
            Assert.DoesNotContain(oldHandler.Calls, c => c.StartsWith("log", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task BlockingUpstartClient_sends_a_follow_the_old_program_never_read_to_the_next_one()
    {
        var deadline = TestServer.Deadline();
        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = _server.SocketPath });
        Assert.NotEmpty(client.GetVersion());
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));

        // Whether its send fails before the old program closes the connection (Abandon) or after, it was never read.
        var reading = Task.Run(() => client.ReadLog("web", tail: 1, follow: true).First().Line, deadline);
        Handover.Abandon();

        Assert.Equal("line 1", await reading.WaitAsync(deadline));
        Assert.Equal(["log web  tail=1 follow=True"], Handler.Calls.Where(c => c.StartsWith("log", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_resume_point_over_the_bound_is_a_bad_request()
    {
        var deadline = TestServer.Deadline();
        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);
        var request = JsonSerializer.Serialize(new { id = 3, op = "watch", resume = new string('x', RequestDispatcher.MaxResume + 1) });
        await raw.SendFrameAsync(request, deadline);
        var answer = await raw.ReadFrameAsync(deadline);

        Assert.Equal("error", answer?.GetProperty("type").GetString());
        Assert.Equal("BadRequest", answer?.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain(Handler.Calls, c => c.StartsWith("watch", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken deadline)
    {
        while (!condition())
        {
            await Task.Delay(5, deadline);
        }
    }

    [Fact]
    public async Task UpstartClient_start_that_waited_across_a_re_exec_is_answered_by_the_next_program_through_await()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        var start = client.StartAsync("slow", ["PORT=80"], wait: true, deadline);
        await Handler.SlowStarted.Task.WaitAsync(deadline);

        ReExecUnderTheWaitingRequest();

        var job = await start.WaitAsync(deadline);
        Assert.Equal(("slow", "running"), (job.Name, job.State));
        Assert.Contains("await start slow PORT=80", Handler.Calls);
    }

    [Fact]
    public async Task BlockingUpstartClient_stop_that_waited_across_a_re_exec_is_answered_by_the_next_program_through_await()
    {
        var deadline = TestServer.Deadline();
        var stop = Task.Factory.StartNew(
            () =>
            {
                using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = _server.SocketPath });
                return client.Stop("slow");
            },
            deadline,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await Handler.SlowStarted.Task.WaitAsync(deadline);

        ReExecUnderTheWaitingRequest();

        var job = await stop.WaitAsync(deadline);
        Assert.Equal(("slow", "waiting"), (job.Name, job.State));
        Assert.Contains("await stop slow", Handler.Calls);
    }

    [Fact]
    public async Task UpstartClient_emit_that_waited_across_a_re_exec_is_answered_by_the_next_program_through_await()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();
        var emit = client.EmitAsync("slow-go", ["K=1"], wait: true, deadline);
        await Handler.SlowStarted.Task.WaitAsync(deadline);

        ReExecUnderTheWaitingRequest();

        await emit.WaitAsync(deadline);
        Assert.Contains("await emit slow-go K=1", Handler.Calls);
    }

    [Fact]
    public async Task BlockingUpstartClient_emit_whose_event_failed_after_a_re_exec_hears_it_from_the_next_program()
    {
        var deadline = TestServer.Deadline();
        var emit = Task.Factory.StartNew(
            () =>
            {
                using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = _server.SocketPath });
                client.Emit("slow-doomed");
            },
            deadline,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await Handler.SlowStarted.Task.WaitAsync(deadline);

        ReExecUnderTheWaitingRequest();

        var error = await Assert.ThrowsAsync<UpstartException>(() => emit.WaitAsync(deadline));
        Assert.Equal((UpstartErrorCode.EventFailed, "Event failed"), (error.Code, error.Message));
        Assert.Contains("await emit slow-doomed", Handler.Calls);
    }

    [Fact]
    public async Task The_old_program_ends_a_waiting_emit_with_ReExecuted_and_resume_emit_naming_the_event()
    {
        var deadline = TestServer.Deadline();
        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);
        await raw.SendFrameAsync(JsonSerializer.Serialize(new { id = 4, op = "emit", @event = "slow-go", env = Array.Empty<string>(), wait = true }), deadline);
        await Handler.SlowStarted.Task.WaitAsync(deadline);

        Assert.True(Handover.StopTakingRequests(TimeSpan.FromSeconds(10)), "the waiting emit held the re-exec back");
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
        var answer = (await raw.ReadFrameAsync(deadline))!.Value;
        Handover.Abandon();

        Assert.Equal(("ReExecuted", "emit"), (answer.GetProperty("error").GetProperty("code").GetString(), answer.GetProperty("resume").GetString()));
        Assert.Contains("while emit slow-go waited", answer.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":1,"op":"await","resume":"emit","env":[]}""", "missing event name")]
    [InlineData("""{"id":1,"op":"await","resume":"emit","event":"a b","env":[]}""", "event name contains a blank at position 2")]
    [InlineData("""{"id":1,"op":"await","resume":"emit","event":"go","env":["NOEQUALS"]}""", "Env must be KEY=VALUE pairs")]
    [InlineData("""{"id":1,"op":"await","resume":"reload","job":"web","env":[]}""", "await needs resume: start, stop, restart or emit (the `resume` of a ReExecuted answer)")]
    public async Task An_await_for_an_emit_is_checked_as_an_emit_is(string frame, string message)
    {
        var deadline = TestServer.Deadline();
        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, deadline);

        await raw.SendFrameAsync(frame, deadline);
        var answer = (await raw.ReadFrameAsync(deadline))!.Value;

        Assert.Equal(message, answer.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(Handler.Calls, c => c.StartsWith("await", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_start_that_does_not_wait_is_no_handover_s_business()
    {
        var deadline = TestServer.Deadline();
        await using var client = await _server.ConnectAsync();

        var job = await client.StartAsync("web", wait: false, cancellationToken: deadline);

        Assert.Equal("web", job.Name);
        Assert.True(Handover.HandOver(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(Handler.Calls, c => c.StartsWith("await", StringComparison.Ordinal));
        Handover.Abandon();
    }
}
