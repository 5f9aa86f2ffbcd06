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
        Assert.InRange(user.Peak, 1, (64 * 1024) + 8100 + FrameSender.QueuedFrameOverheadBytes);
        Assert.Contains(sends, s => s.IsFaulted && s.Exception!.InnerException is PeerNotReadingException);

        // Hang up on the peers so the sends still waiting finish (with errors), then nothing is held.
        _sockets.ForEach(s => s.Dispose());
        await Task.WhenAll(sends.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, user.Queued);
    }

    public void Dispose()
    {
        _sockets.ForEach(s => s.Dispose());
        Directory.Delete(_directory, recursive: true);
    }
}
