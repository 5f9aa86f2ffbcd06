using System.Net.Sockets;
using System.Text.Json;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Protocol.Tests;

/// <summary>BlockingUpstartClient (upstartctl's client): the same protocol as UpstartClient, one round trip per command.</summary>
public sealed class BlockingClientTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private BlockingUpstartClient Connect() => BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = _server.SocketPath, ClientName = "blocking test" });

    [Fact]
    public void Every_command_reaches_the_handler_and_returns_its_answer()
    {
        using var client = Connect();

        Assert.Equal("init (upstart 1.13.2)", client.GetVersion());
        Assert.Equal(["ssh", "cron", "tty"], client.List().Select(j => j.Name));
        Assert.Equal("tty", Assert.Single(client.Status("t?y", "tty1")).Name);
        Assert.Equal(("running", 4242), (client.Start("web", ["PORT=80"]).State, client.Start("web").Processes.Single().Pid));
        Assert.Equal("waiting", client.Stop("web", wait: false).State);
        Assert.Equal("running", client.Restart("web").State);
        Assert.Equal("running", client.Reload("web").State);
        client.Emit("go", ["A=1"], wait: false);
        client.SetEnabled("cups", false);
        Assert.Equal("debug", client.LogPriority("debug"));
        Assert.Equal("/etc/init/ssh.conf", client.ShowConfig("ssh").ConfigPath);
        Assert.Equal("peach", Assert.Single(client.CheckConfig(["x"])).Name);
        Assert.Equal(["new"], client.ReloadConfiguration(dryRun: true).Added);
        Assert.Equal("UnknownStanza", Assert.Single(client.GetDiagnostics()).Kind);

        Assert.Contains("start web PORT=80 wait=True", _server.Handler.Calls);
        Assert.Contains("stop web wait=False", _server.Handler.Calls);
        Assert.Contains("emit go A=1 wait=False", _server.Handler.Calls);
        Assert.Contains("set-enabled cups False", _server.Handler.Calls);
        Assert.Contains("reload-configuration dryRun=True", _server.Handler.Calls);
        Assert.Equal("blocking test", _server.Handler.LastClient!.ClientName);
    }

    [Fact]
    public void An_error_reply_is_thrown_with_its_code_and_the_connection_stays_usable()
    {
        using var client = Connect();

        var error = Assert.Throws<UpstartException>(() => client.Start("ssh"));

        Assert.Equal((UpstartErrorCode.AlreadyRunning, "Job is already running: ssh"), (error.Code, error.Message));
        Assert.Equal(UpstartErrorCode.UnknownJob, Assert.Throws<UpstartException>(() => client.Status("nosuch")).Code);
        Assert.Equal("ssh", client.Status("ssh").Single().Name);
    }

    [Fact]
    public void A_log_is_read_as_a_stream_that_ends()
    {
        using var client = Connect();

        Assert.Equal(["line 1", "line 2", "line 3"], client.ReadLog("web", tail: 3).Select(l => l.Line));
        Assert.Equal(UpstartErrorCode.UnknownJob, Assert.Throws<UpstartException>(() => client.ReadLog("missing").ToList()).Code);
    }

    [Fact]
    public async Task The_hello_and_the_first_request_go_out_in_one_write()
    {
        using var daemon = FakeDaemon.Listen();
        var received = Task.Run(() =>
        {
            using var peer = daemon.Listener.Accept();
            var buffer = new byte[4096];
            var first = peer.Receive(buffer);
            var frames = FakeDaemon.Frames(buffer.AsSpan(0, first));
            peer.Send(FakeDaemon.Frame("""{"type":"hello","protocol":1,"daemon":"fake","mode":"System"}"""));
            peer.Send(FakeDaemon.Frame("""{"id":1,"type":"result","text":"fake 1.0"}"""));
            return frames;
        });

        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = daemon.Path });
        Assert.Equal("fake 1.0", client.GetVersion());

        var frames = await received.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, frames.Count);
        Assert.Equal("hello", frames[0].GetProperty("type").GetString());
        Assert.Equal("version", frames[1].GetProperty("op").GetString());
    }

    [Fact]
    public async Task A_refusal_at_the_handshake_is_thrown_with_the_daemons_code()
    {
        using var daemon = FakeDaemon.Listen();
        var answered = Task.Run(() =>
        {
            using var peer = daemon.Listener.Accept();
            peer.Receive(new byte[4096]);
            peer.Send(FakeDaemon.Frame("""{"type":"error","protocol":1,"error":{"code":"AccessDenied","message":"Access denied: this session daemon serves only uid 1000"}}"""));
        });

        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = daemon.Path });
        var error = Assert.Throws<UpstartException>(() => client.List());

        Assert.Equal((UpstartErrorCode.AccessDenied, "Access denied: this session daemon serves only uid 1000"), (error.Code, error.Message));
        await answered.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_daemon_speaking_another_version_is_ProtocolMismatch()
    {
        using var daemon = FakeDaemon.Listen();
        var answered = Task.Run(() =>
        {
            using var peer = daemon.Listener.Accept();
            peer.Receive(new byte[4096]);
            peer.Send(FakeDaemon.Frame("""{"type":"hello","protocol":7,"daemon":"7.0","mode":"System"}"""));
        });

        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = daemon.Path });
        var error = Assert.Throws<UpstartException>(() => client.List());

        Assert.Equal(UpstartErrorCode.ProtocolMismatch, error.Code);
        Assert.Contains("speaks version 7", error.Message);
        await answered.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void A_daemon_that_accepts_but_never_answers_is_NotConnected_after_the_connect_timeout()
    {
        using var daemon = FakeDaemon.Listen();
        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = daemon.Path, ConnectTimeout = TimeSpan.FromMilliseconds(200) });

        var error = Assert.Throws<UpstartException>(() => client.List());

        Assert.Equal(UpstartErrorCode.NotConnected, error.Code);
        Assert.Contains("did not answer within 0.2 s", error.Message);
    }

    [Fact]
    public void A_missing_socket_says_how_to_start_the_daemon()
    {
        var path = Path.Combine(_server.Directory, "none.sock");

        var error = Assert.Throws<UpstartException>(() => BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = path }));

        Assert.Equal(UpstartErrorCode.NotConnected, error.Code);
        Assert.StartsWith($"Unable to connect to the UpstartPS daemon at {path}: no such socket. Is it running?", error.Message);
    }

    /// <summary>A listening socket that plays the daemon by hand.</summary>
    private sealed class FakeDaemon : IDisposable
    {
        private readonly string _directory = TestServer.NewDirectory();

        private FakeDaemon()
        {
            Path = System.IO.Path.Combine(_directory, "s");
            Listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            Listener.Bind(new UnixDomainSocketEndPoint(Path));
            Listener.Listen();
        }

        public string Path { get; }

        public Socket Listener { get; }

        public static FakeDaemon Listen() => new();

        public static byte[] Frame(string json) => RawConnection.Frame(System.Text.Encoding.UTF8.GetBytes(json));

        public static List<JsonElement> Frames(ReadOnlySpan<byte> bytes)
        {
            var frames = new List<JsonElement>();
            while (bytes.Length >= 4)
            {
                var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes);
                frames.Add(JsonDocument.Parse(bytes.Slice(4, length).ToArray()).RootElement.Clone());
                bytes = bytes[(4 + length)..];
            }

            return frames;
        }

        public void Dispose()
        {
            Listener.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
