using System.Net.Sockets;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// A connection the daemon closes before answering the hello asked nothing of it (a daemon handing over to its
/// next program at a re-exec accepts one just as it stops reading): both clients connect again, within their
/// connect timeout, and the next program, inheriting the listening socket, serves them.
/// </summary>
public sealed class HandshakeRetryTests : IDisposable
{
    private readonly string _directory = TestServer.NewDirectory();
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public HandshakeRetryTests()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
    }

    private string SocketPath => Path.Combine(_directory, "s");

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task UpstartClient_connects_again_when_the_first_connection_closes_before_the_hello_is_answered()
    {
        var deadline = TestServer.Deadline();
        var connecting = UpstartClient.ConnectAsync(SocketPath, deadline);

        // The old program: accepts, then closes with the hello unread.
        (await _listener.AcceptAsync(deadline)).Dispose();

        // The next program, on the same listening socket (a re-exec hands it over).
        await using var next = TestServer.Start(path => new ControlServerOptions { SocketPath = SocketPath, DaemonVersion = "9.9.9", Listener = _listener });
        await using var client = await connecting.WaitAsync(deadline);

        Assert.Equal("init (upstart 1.13.2)", await client.GetVersionAsync(deadline));
    }

    [Fact]
    public async Task BlockingUpstartClient_sends_its_hello_and_request_again_on_a_new_connection()
    {
        var deadline = TestServer.Deadline();
        var asking = Task.Run(() =>
        {
            using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = SocketPath });
            return client.Status("ssh").Single().State;
        }, deadline);

        // The hello and the status go out together; the old program closes without reading either.
        (await _listener.AcceptAsync(deadline)).Dispose();
        await using var next = TestServer.Start(path => new ControlServerOptions { SocketPath = SocketPath, DaemonVersion = "9.9.9", Listener = _listener });

        Assert.Equal("running", await asking.WaitAsync(deadline));
        Assert.Single(next.Handler.Calls, c => c.StartsWith("status ssh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Both_clients_give_up_after_the_connect_timeout_when_every_connection_closes_unanswered()
    {
        var deadline = TestServer.Deadline();
        var options = new UpstartClientOptions { SocketPath = SocketPath, ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        var closer = Task.Run(async () =>
        {
            // Ends only by its cancelled accept (checking the token first let it end without one).
            while (true)
            {
                (await _listener.AcceptAsync(closing.Token)).Dispose();
            }
        }, deadline);

        var async = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(options, deadline));
        var blocking = await Assert.ThrowsAsync<UpstartException>(() => Task.Run(() => BlockingUpstartClient.Connect(options).GetVersion(), deadline));

        Assert.Equal((UpstartErrorCode.NotConnected, UpstartErrorCode.NotConnected), (async.Code, blocking.Code));
        // Its last connection was either closed too, or still waiting to be accepted when the time ran out.
        Assert.All([async.Message, blocking.Message], m => Assert.Matches("closed the connection during the handshake|did not answer within 0.3 s", m));
        await closing.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => closer);
    }
}
