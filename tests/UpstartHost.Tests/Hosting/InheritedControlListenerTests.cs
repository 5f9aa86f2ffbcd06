using System.Net.Sockets;
using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

/// <summary>
/// UPSTARTPS_CONTROL_LISTENER, the listening socket a re-exec hands to the next program: taken only by the same
/// process, and only when it is a listening Unix stream socket bound to the daemon's own socket path.
/// </summary>
public sealed class InheritedControlListenerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ups-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    [Fact]
    public void The_entry_names_this_process_and_the_descriptor_and_reads_back()
    {
        var entry = InheritedControlListener.Entry(7);

        Assert.Equal($"UPSTARTPS_CONTROL_LISTENER={Environment.ProcessId}:7", entry);
        Assert.True(InheritedControlListener.IsEntry(entry));
        Assert.Equal(7, InheritedControlListener.Parse(entry[(entry.IndexOf('=') + 1)..], Environment.ProcessId));
    }

    [Theory]
    [InlineData("41:7")]
    [InlineData("42:2")]
    [InlineData("42:-7")]
    [InlineData("42:")]
    [InlineData(":7")]
    [InlineData("42")]
    [InlineData(" 42:7")]
    [InlineData("42:7x")]
    public void Another_process_s_descriptor_a_standard_stream_or_garbage_is_not_taken(string value)
    {
        Assert.Null(InheritedControlListener.Parse(value, 42));
    }

    [Fact]
    public void A_listening_unix_stream_socket_at_the_path_passes()
    {
        using var listener = Listening(PathOf("s"));

        Assert.Null(InheritedControlListener.Check(Fd(listener), PathOf("s")));
    }

    [Fact]
    public void A_socket_bound_elsewhere_or_not_listening_or_no_socket_at_all_is_refused_and_left_open()
    {
        using var elsewhere = Listening(PathOf("other"));
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(PathOf("s")));
        using var datagram = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        using var file = File.OpenRead("/proc/self/stat");

        Assert.Contains("bound to " + PathOf("other"), InheritedControlListener.Check(Fd(elsewhere), PathOf("s")), StringComparison.Ordinal);
        Assert.Contains("not listening", InheritedControlListener.Check(Fd(bound), PathOf("s")), StringComparison.Ordinal);
        Assert.Contains("not a Unix stream socket", InheritedControlListener.Check(Fd(datagram), PathOf("s")), StringComparison.Ordinal);
        Assert.Contains("not a socket", InheritedControlListener.Check((int)file.SafeFileHandle.DangerousGetHandle(), PathOf("s")), StringComparison.Ordinal);

        // Whatever it was is still open and usable.
        Assert.NotEqual(-1, file.ReadByte());
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(PathOf("other")));
    }

    private static Socket Listening(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(4);
        return socket;
    }

    private static int Fd(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();
}
