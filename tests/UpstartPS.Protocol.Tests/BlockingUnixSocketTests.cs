using System.Net.Sockets;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>upstartctl's libc socket: what it sends and receives, and its failures read as <see cref="Socket"/>'s do.</summary>
public sealed class BlockingUnixSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("upstartps-unix-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Bytes_go_both_ways_and_a_peer_that_closes_is_the_end_of_the_stream()
    {
        using var listener = Listen(out var path);
        using var client = BlockingUnixSocket.Connect(path, TimeSpan.FromSeconds(5));
        using var server = listener.Accept();

        Assert.Equal(5, client.Send("hello"u8));
        var received = new byte[16];
        Assert.Equal(5, server.Receive(received));
        server.Send("world!"u8);
        Assert.Equal(6, client.Receive(received));
        Assert.Equal("world!"u8.ToArray(), received[..6]);

        server.Shutdown(SocketShutdown.Both);
        server.Close();
        Assert.Equal(0, client.Receive(received));
    }

    [Fact]
    public void A_receive_past_its_timeout_is_TimedOut_as_with_Socket()
    {
        using var listener = Listen(out var path);
        using var client = BlockingUnixSocket.Connect(path, TimeSpan.FromMilliseconds(50));
        using var server = listener.Accept();

        var error = Assert.Throws<SocketException>(() => client.Receive(new byte[4]));

        Assert.Equal(SocketError.TimedOut, error.SocketErrorCode);
    }

    [Fact]
    public void Sending_to_a_peer_that_has_gone_fails_with_an_exception_not_a_signal()
    {
        using var listener = Listen(out var path);
        using var client = BlockingUnixSocket.Connect(path, TimeSpan.FromSeconds(5));
        listener.Accept().Dispose();

        var error = Assert.Throws<SocketException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                client.Send(new byte[64 * 1024]);
            }
        });

        Assert.Contains(error.SocketErrorCode, new[] { SocketError.Shutdown, SocketError.ConnectionReset });
    }

    [Fact]
    public void Connect_failures_carry_the_SocketError_Socket_would_report()
    {
        var missing = Assert.Throws<SocketException>(() => BlockingUnixSocket.Connect(Path.Combine(_dir, "missing.sock"), TimeSpan.FromSeconds(1)));
        Assert.Equal(SocketError.AddressNotAvailable, missing.SocketErrorCode);

        // A socket file nobody listens on any more (a daemon that died). Moved aside while bound, because a
        // Socket unlinks the path it bound when it closes.
        var stale = Path.Combine(_dir, "stale.sock");
        using (Listen(out var bound))
        {
            File.Move(bound, stale);
        }

        var refused = Assert.Throws<SocketException>(() => BlockingUnixSocket.Connect(stale, TimeSpan.FromSeconds(1)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Theory]
    [InlineData(1, SocketError.AccessDenied)]
    [InlineData(13, SocketError.AccessDenied)]
    [InlineData(2, SocketError.AddressNotAvailable)]
    [InlineData(11, SocketError.TimedOut)]
    [InlineData(32, SocketError.Shutdown)]
    [InlineData(104, SocketError.ConnectionReset)]
    [InlineData(111, SocketError.ConnectionRefused)]
    public void Errno_values_map_as_the_runtime_maps_them(int errno, SocketError expected)
    {
        Assert.Equal(expected, BlockingUnixSocket.Error(errno).SocketErrorCode);
    }

    [Fact]
    public void A_mapped_errno_keeps_the_systems_words_too()
    {
        // A broken pipe said "External component has thrown an exception" when its text was looked up as a Windows code's.
        var error = BlockingUnixSocket.Error(32); // EPIPE

        Assert.Equal(SocketError.Shutdown, error.SocketErrorCode);
        Assert.Contains("broken pipe", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Another_errno_keeps_the_systems_words()
    {
        var error = BlockingUnixSocket.Error(24); // EMFILE

        Assert.Equal(SocketError.SocketError, error.SocketErrorCode);
        Assert.Contains("open files", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(108)]
    [InlineData(200)]
    public void A_path_too_long_for_sockaddr_un_is_refused_before_any_socket_is_made(int length)
    {
        var path = "/" + new string('p', length - 1);

        Assert.Throws<ArgumentException>(() => BlockingUnixSocket.Connect(path, TimeSpan.FromSeconds(1)));
        var error = Assert.Throws<UpstartException>(() => BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = path }));
        Assert.Contains("at most 107 bytes", error.Message, StringComparison.Ordinal);
    }

    private Socket Listen(out string path)
    {
        path = Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8] + ".sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        return listener;
    }
}
