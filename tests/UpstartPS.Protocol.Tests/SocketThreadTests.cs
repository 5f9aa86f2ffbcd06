using System.Net.Sockets;
using UpstartPS.Protocol.Server;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Issue 11: a status of one job is answered on the runtime's socket thread, without a hand-over to a pool
/// worker; every other piece of a connection's work leaves that thread first, since it serves every socket
/// of the process and a handler that blocks there would stop every other client.
/// </summary>
public sealed class SocketThreadTests
{
    private static TestServer Start(bool inline, bool answersNow) => TestServer.Start(
        path => new ControlServerOptions { SocketPath = path, DaemonVersion = "9.9.9", InlineCompletions = inline },
        new FakeControlHandler { AnswersNow = answersNow });

    [Fact]
    public void This_runtime_lets_a_socket_run_its_completions_on_the_socket_thread()
    {
        // When a runtime drops the switch, the daemon still works (every completion through the pool) but
        // loses issue 11's status figure: this test is what notices.
        using var pair = new SocketPair();
        Assert.True(SocketThread.TryPreferInline(pair.Server));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_status_of_one_job_is_answered_on_the_socket_thread_only_when_inline_completions_are_on(bool inline)
    {
        await using var server = Start(inline, answersNow: true);
        await using var client = await server.ConnectAsync();

        // One request at a time: most arrive while the connection waits in its read, so they complete on
        // whichever thread the socket's completions run on (one may arrive before the read is issued).
        for (var i = 0; i < 50; i++)
        {
            await client.StatusAsync("ssh", cancellationToken: TestServer.Deadline());
        }

        var onSocketThread = server.Handler.Threads.Count(t => t.Call.StartsWith("status-now", StringComparison.Ordinal) && !t.OnPool);
        if (inline)
        {
            Assert.InRange(onSocketThread, 25, 50);
        }
        else
        {
            Assert.Equal(0, onSocketThread);
        }
    }

    [Fact]
    public async Task Every_request_that_is_not_answered_at_once_reaches_the_handler_on_a_pool_worker()
    {
        await using var server = Start(inline: true, answersNow: false);
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 20; i++)
        {
            await client.StatusAsync("ssh", cancellationToken: TestServer.Deadline());
            await client.StatusAsync("*", cancellationToken: TestServer.Deadline());
            await client.ListAsync(TestServer.Deadline());
            await client.StopAsync("cron", cancellationToken: TestServer.Deadline());
            await client.GetVersionAsync(TestServer.Deadline());
        }

        Assert.Equal(100, server.Handler.Threads.Count);
        Assert.All(server.Handler.Threads, t => Assert.True(t.OnPool, t.Call + " ran on the socket thread"));
    }

    [Fact]
    public async Task A_list_or_a_pattern_answered_at_once_is_built_on_a_pool_worker()
    {
        await using var server = Start(inline: true, answersNow: true);
        await using var client = await server.ConnectAsync();

        for (var i = 0; i < 20; i++)
        {
            await client.ListAsync(TestServer.Deadline());
            await client.StatusAsync("s*", cancellationToken: TestServer.Deadline());
        }

        Assert.Equal(40, server.Handler.Threads.Count(t => t.Call.StartsWith("list-now", StringComparison.Ordinal) || t.Call.StartsWith("status-now s*", StringComparison.Ordinal)));
        Assert.All(server.Handler.Threads, t => Assert.True(t.OnPool, t.Call + " ran on the socket thread"));
    }

    [Fact]
    public async Task A_handler_that_blocks_its_thread_does_not_hold_up_another_clients_status()
    {
        await using var server = Start(inline: true, answersNow: true);
        await using var other = await server.ConnectAsync();
        await using var blocked = await server.ConnectAsync();
        await blocked.GetVersionAsync(TestServer.Deadline());

        var start = blocked.StartAsync("stuck", cancellationToken: TestServer.Deadline());
        await server.Handler.StuckStarted.Task.WaitAsync(TestServer.Deadline());
        try
        {
            var ssh = Assert.Single(await other.StatusAsync("ssh", cancellationToken: TestServer.Deadline(5)));
            Assert.Equal("running", ssh.State);
            Assert.Contains(("stuck", true), server.Handler.Threads);
        }
        finally
        {
            server.Handler.Unstick.Set();
        }

        Assert.Equal("stuck", (await start).Name);
    }

    [Fact]
    public async Task A_stream_that_waited_for_its_reader_goes_on_producing_on_a_pool_worker()
    {
        // 20,000 log lines (about 1.6 MB) to a reader that reads nothing at first: the daemon's sends have to
        // wait for the socket, and each wait ends on the socket thread, where the next line must not be made.
        const int Lines = 20_000;
        await using var server = Start(inline: true, answersNow: false);
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());
        await raw.SendFrameAsync($$"""{"id":1,"op":"log","job":"web","tail":{{Lines}}}""", TestServer.Deadline());

        // A send is waiting once an answer is queued and stays queued; nothing notifies that: poll, bounded.
        var deadline = TestServer.Deadline();
        while (server.Server.QueuedBytes == 0)
        {
            await Task.Delay(10, deadline);
        }

        var frames = 0;
        while (await raw.ReadFrameAsync(TestServer.Deadline(60)) is { } frame && frame.GetProperty("type").GetString() != "end")
        {
            frames++;
        }

        Assert.Equal(Lines, frames);
        var lines = server.Handler.Threads.Where(t => t.Call == "log line").ToList();
        Assert.Equal(Lines, lines.Count);
        Assert.All(lines, t => Assert.True(t.OnPool, "a log line was made on the socket thread"));
    }

    /// <summary>Two connected unix sockets, closed on dispose.</summary>
    private sealed class SocketPair : IDisposable
    {
        private readonly string directory = Directory.CreateTempSubdirectory("ups-").FullName;
        private readonly Socket listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        public SocketPair()
        {
            var endPoint = new UnixDomainSocketEndPoint(Path.Combine(directory, "s"));
            listener.Bind(endPoint);
            listener.Listen();
            Client.Connect(endPoint);
            Server = listener.Accept();
        }

        public Socket Client { get; } = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        public Socket Server { get; }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
            listener.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }
}
