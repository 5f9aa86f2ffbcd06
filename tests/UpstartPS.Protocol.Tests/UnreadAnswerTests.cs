using System.Net.Sockets;
using UpstartPS.Protocol.Server;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Issue 12, item 9: a client that sends requests and never reads the answers is dropped once the answers
/// waiting for it pass the byte bound, whatever kind of answer piles up; the write timeout is set far away
/// here so that only the byte bound can end the connection.
/// </summary>
public sealed class UnreadAnswerTests
{
    private const long Bound = 64 * 1024;

    private static TestServer StartServer() => TestServer.Start(path => new ControlServerOptions
    {
        SocketPath = path,
        WriteTimeout = TimeSpan.FromMinutes(10),
        MaxQueuedBytesPerConnection = Bound,
    });

    /// <summary>Sends frames until the server hangs up (the send fails); returns how many went out.</summary>
    private static async Task<int> SendUntilDroppedAsync(RawConnection connection, Func<int, string> request, CancellationToken deadline)
    {
        var sent = 0;
        try
        {
            while (true)
            {
                await connection.SendFrameAsync(request(sent), deadline);
                sent++;
            }
        }
        catch (SocketException)
        {
            return sent;
        }
    }

    private static async Task AssertDroppedWithinBoundAsync(TestServer server)
    {
        await WaitForAsync(() => server.Server.ConnectionCount == 0);
        var frame = ResponseFrameBytes();
        Assert.InRange(server.Server.PeakQueuedBytesPerConnection, 1, Bound + frame);
        Assert.Equal(0, server.Server.QueuedBytes);
        lock (server.Log)
        {
            Assert.Contains(server.Log, line => line.Contains("did not read its answers", StringComparison.Ordinal));
        }
    }

    /// <summary>The largest single answer these tests provoke, with its bookkeeping: one may pass the bound, no more.</summary>
    private static long ResponseFrameBytes() => FrameSender.QueuedFrameCost(1024);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = TestServer.Deadline();
        while (!condition())
        {
            await Task.Delay(10, deadline);
        }
    }

    [Fact]
    public async Task A_client_that_reuses_a_watch_id_without_reading_is_dropped_before_its_errors_pass_the_bound()
    {
        await using var server = StartServer();
        using var connection = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());
        await connection.SendFrameAsync("""{"id":1,"op":"watch"}""", TestServer.Deadline());

        var sent = await SendUntilDroppedAsync(connection, _ => """{"id":1,"op":"version"}""", TestServer.Deadline(60));

        Assert.True(sent > 100, $"only {sent} requests were sent before the drop");
        await AssertDroppedWithinBoundAsync(server);
    }

    [Fact]
    public async Task A_client_that_sends_many_requests_without_reading_is_dropped_before_its_answers_pass_the_bound()
    {
        await using var server = StartServer();
        using var connection = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        await SendUntilDroppedAsync(connection, i => $$"""{"id":{{i + 1}},"op":"version"}""", TestServer.Deadline(60));

        await AssertDroppedWithinBoundAsync(server);
    }

    [Fact]
    public async Task A_client_that_reads_its_answers_is_never_dropped_however_many_it_asks_for()
    {
        await using var server = StartServer();
        await using var client = await server.ConnectAsync();
        for (var round = 0; round < 40; round++)
        {
            // 50 at a time: within the in-flight limit, and far more answer bytes in all than the bound.
            var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetVersionAsync(TestServer.Deadline())));
            Assert.All(answers, a => Assert.Equal("init (upstart 1.13.2)", a));
        }

        Assert.Equal(1, server.Server.ConnectionCount);
    }
}
