using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

public sealed class HandshakeTests
{
    [Fact]
    public async Task A_client_speaking_another_version_is_refused_with_ProtocolMismatch()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.ConnectAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync("""{"type":"hello","protocol":2,"client":"future"}""", TestServer.Deadline());
        var answer = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Equal("error", answer!.Value.GetProperty("type").GetString());
        Assert.Equal("ProtocolMismatch", answer.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("version 1", answer.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.Null(await raw.ReadFrameAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task A_daemon_speaking_another_version_is_reported_by_the_client_as_ProtocolMismatch()
    {
        var directory = TestServer.NewDirectory();
        try
        {
            var path = Path.Combine(directory, "s");
            using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            listener.Listen();
            var fakeDaemon = Task.Run(async () =>
            {
                using var peer = await listener.AcceptAsync(TestServer.Deadline());
                var payload = """{"type":"hello","protocol":7,"daemon":"7.0","mode":"System"}"""u8.ToArray();
                await peer.SendAsync(RawConnection.Frame(payload));
                await peer.ReceiveAsync(new byte[4096]);
            });

            var error = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(path, TestServer.Deadline()));

            Assert.Equal(UpstartErrorCode.ProtocolMismatch, error.Code);
            Assert.Contains("speaks version 7", error.Message);
            await fakeDaemon.WaitAsync(TestServer.Deadline());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_request_before_the_hello_is_refused_and_the_connection_closed()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.ConnectAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync("""{"id":1,"op":"list"}""", TestServer.Deadline());
        var answer = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Equal("BadRequest", answer!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Null(await raw.ReadFrameAsync(TestServer.Deadline()));
        Assert.Empty(server.Handler.Calls);
    }

    [Fact]
    public async Task A_client_that_never_says_hello_is_disconnected_after_the_handshake_timeout()
    {
        await using var server = TestServer.Start(path => new ControlServerOptions { SocketPath = path, HandshakeTimeout = TimeSpan.FromMilliseconds(200) });
        using var raw = await RawConnection.ConnectAsync(server.SocketPath, TestServer.Deadline());

        Assert.Null(await raw.ReadFrameAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task Connecting_to_a_missing_socket_says_how_to_start_the_daemon()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync("/tmp/ups-nonexistent/none.sock", TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.NotConnected, error.Code);
        Assert.Contains("/tmp/ups-nonexistent/none.sock", error.Message);
        Assert.Contains("Is it running?", error.Message);
        Assert.Contains("UPSTARTPS_SOCKET", error.Message);

        // The installed binary's name (src/UpstartHost builds upstart-host), not the project's.
        Assert.Contains("`upstart-host --session`", error.Message);
        Assert.DoesNotContain("UpstartHost", error.Message);
    }

    [Fact]
    public async Task Connecting_to_a_stale_socket_is_NotConnected()
    {
        var directory = TestServer.NewDirectory();
        try
        {
            var path = Path.Combine(directory, "s");
            // Bound but not listening: what a crashed daemon leaves behind answers connect() with ECONNREFUSED.
            using var dead = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            dead.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));

            var error = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(path, TestServer.Deadline()));

            Assert.Equal(UpstartErrorCode.NotConnected, error.Code);
            Assert.True(error.Message.Contains("connection refused", StringComparison.Ordinal), error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_daemon_that_accepts_but_never_answers_is_NotConnected_after_the_connect_timeout()
    {
        var directory = TestServer.NewDirectory();
        try
        {
            var path = Path.Combine(directory, "s");
            using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            listener.Listen();

            var options = new UpstartClientOptions { SocketPath = path, ConnectTimeout = TimeSpan.FromMilliseconds(200) };
            var error = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(options, TestServer.Deadline()));

            Assert.Equal(UpstartErrorCode.NotConnected, error.Code);
            Assert.Contains("did not answer", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
