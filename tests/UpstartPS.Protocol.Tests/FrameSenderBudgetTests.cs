using System.Net.Sockets;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// The per-user budget is shared: connections of one user whose peer reads nothing together hold no more
/// than it, and the one that passes it is broken off with <see cref="PeerNotReadingException"/>.
/// </summary>
public sealed class FrameSenderBudgetTests : IDisposable
{
    private readonly string _directory = TestServer.NewDirectory();
    private readonly List<Socket> _sockets = [];

    private (Socket Server, Socket Client) Pair(string name)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = Path.Combine(_directory, name);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        var server = listener.Accept();
        _sockets.Add(client);
        _sockets.Add(server);
        return (server, client);
    }

    [Fact]
    public async Task Two_connections_of_a_user_that_reads_nothing_share_one_budget_and_the_one_that_passes_it_is_dropped()
    {
        var user = new SendBudget(64 * 1024);
        var (serverA, _) = Pair("a");
        var (serverB, _) = Pair("b");
        using var a = new FrameSender(serverA, 1024 * 1024, TimeSpan.FromMinutes(5), connectionBudget: new SendBudget(1024 * 1024), userBudget: user);
        using var b = new FrameSender(serverB, 1024 * 1024, TimeSpan.FromMinutes(5), connectionBudget: new SendBudget(1024 * 1024), userBudget: user);
        var frame = new ResponseFrame { Id = 1, Type = ResponseTypes.Result, Text = new string('x', 8000) };

        var sends = new List<Task>();
        for (var i = 0; i < 400 && !(a.Overflowed || b.Overflowed); i++)
        {
            sends.Add(a.SendAsync(frame, ProtocolJsonContext.Default.ResponseFrame, CancellationToken.None).AsTask());
            sends.Add(b.SendAsync(frame, ProtocolJsonContext.Default.ResponseFrame, CancellationToken.None).AsTask());
        }

        Assert.True(a.Overflowed || b.Overflowed, "neither connection was dropped");
        Assert.InRange(user.Peak, 1, (64 * 1024) + FrameSender.QueuedFrameCost(8100));
        Assert.Contains(sends, s => s.IsFaulted && s.Exception!.InnerException is PeerNotReadingException);

        // Hang up on the peers so the sends still waiting finish (with errors), then nothing is held.
        _sockets.ForEach(s => s.Dispose());
        await Task.WhenAll(sends.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, user.Queued);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Frames_waiting_their_turn_give_up_at_once_when_the_sender_is_disposed_or_its_stream_breaks(bool dispose)
    {
        // A peer that reads nothing and a write timeout far beyond the test: only the break may end the waits.
        var (server, _) = Pair(dispose ? "disposed" : "broken");
        var connection = new SendBudget(64L * 1024 * 1024);
        var sender = new FrameSender(server, 1024 * 1024, TimeSpan.FromMinutes(5), connectionBudget: connection);
        var frame = new ResponseFrame { Id = 1, Type = ResponseTypes.Result, Text = new string('x', 8000) };
        var sends = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            sends.Add(sender.SendAsync(frame, ProtocolJsonContext.Default.ResponseFrame, CancellationToken.None).AsTask());
        }

        Assert.True(sends.Count(s => !s.IsCompleted) > 100, "the frames did not queue");
        if (dispose)
        {
            // As a connection ends (ControlConnection): its socket closed, which fails the frame on the wire and
            // lets the next one take the lock, then its sender disposed with the rest still waiting.
            server.Dispose();
            sender.Dispose();
        }
        else
        {
            // The peer goes away: the frame on the wire fails and breaks the stream.
            server.Shutdown(SocketShutdown.Both);
        }

        await Task.WhenAll(sends.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, connection.Queued);
        Assert.All(sends.Where(s => s.IsFaulted), s => Assert.IsNotType<TimeoutException>(s.Exception!.InnerException));
        if (!dispose)
        {
            sender.Dispose();
        }
    }

    public void Dispose()
    {
        _sockets.ForEach(s => s.Dispose());
        Directory.Delete(_directory, recursive: true);
    }
}
