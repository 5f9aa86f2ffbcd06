using System.Net.Sockets;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>Creating the control socket: directory and file modes, stale sockets, a second daemon.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SocketFileTests : IDisposable
{
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0755 = Mode0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Mode0666 = Mode0600 | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private readonly string _root = TestServer.NewDirectory();

    [Fact]
    public async Task System_mode_creates_a_0755_directory_and_a_0666_socket()
    {
        var path = Path.Combine(_root, "run", "s");
        await using var server = new ControlServer(new FakeControlHandler(), new ControlServerOptions { SocketPath = path, Mode = DaemonMode.System });

        server.Start();

        Assert.Equal(Mode0755, File.GetUnixFileMode(Path.Combine(_root, "run")));
        Assert.Equal(Mode0666, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Session_mode_creates_a_0700_directory_and_a_0600_socket()
    {
        var path = Path.Combine(_root, "run", "s");
        var options = new ControlServerOptions { SocketPath = path, Mode = DaemonMode.Session };
        await using var server = new ControlServer(new FakeControlHandler(), options);

        server.Start();

        Assert.Equal(Mode0700, File.GetUnixFileMode(Path.Combine(_root, "run")));
        Assert.Equal(Mode0600, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task A_stale_socket_left_by_a_crash_is_replaced()
    {
        var path = Path.Combine(_root, "s");
        using var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        crashed.Bind(new UnixDomainSocketEndPoint(path));
        await using var server = new ControlServer(new FakeControlHandler(), new ControlServerOptions { SocketPath = path });

        server.Start();
        await using var client = await Client.UpstartClient.ConnectAsync(path, TestServer.Deadline());

        Assert.Equal("init (upstart 1.13.2)", await client.GetVersionAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task A_second_server_on_a_live_socket_is_refused_and_the_first_keeps_serving()
    {
        var path = Path.Combine(_root, "s");
        await using var first = new ControlServer(new FakeControlHandler(), new ControlServerOptions { SocketPath = path });
        first.Start();
        await using var second = new ControlServer(new FakeControlHandler(), new ControlServerOptions { SocketPath = path });

        var error = Assert.Throws<InvalidOperationException>(second.Start);

        Assert.Contains("already listening", error.Message);
        await using var client = await Client.UpstartClient.ConnectAsync(path, TestServer.Deadline());
        Assert.Equal(3, (await client.ListAsync(TestServer.Deadline())).Count);
    }

    [Fact]
    public async Task Stopping_removes_the_socket()
    {
        var path = Path.Combine(_root, "s");
        var server = new ControlServer(new FakeControlHandler(), new ControlServerOptions { SocketPath = path });
        server.Start();

        await server.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
