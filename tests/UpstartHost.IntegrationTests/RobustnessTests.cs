using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartHost.IntegrationTests;

/// <summary>Garbage on the socket and many clients at once leave the daemon and its jobs unharmed.</summary>
[Collection(RealDaemonTests.Name)]
public class RobustnessTests
{
    [Fact]
    public async Task Ten_thousand_random_or_truncated_frames_change_nothing()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", "start on startup\nexec /bin/sleep 1000\n"));
        await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("web")).Single().State == "running", "web");
        var pid = (await d.Client.StatusAsync("web")).Single().Processes.Single().Pid;
        var random = new Random(4242);
        var hello = Frame(Encoding.UTF8.GetBytes("""{"type":"hello","protocol":1,"client":"fuzz"}"""));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        Socket? socket = null;
        for (var i = 0; i < 10_000; i++)
        {
            try
            {
                if (socket is null)
                {
                    socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(d.SocketPath), cts.Token);

                    // Half the connections get past the handshake, so garbage reaches the request parser too.
                    if (random.Next(2) == 0)
                    {
                        await socket.SendAsync(hello, cts.Token);
                    }
                }

                await socket.SendAsync(Garbage(random), cts.Token);
                if (random.Next(8) == 0)
                {
                    // Truncated: a header promising more than is sent, then the connection goes away.
                    await socket.SendAsync(new byte[] { 0, 0, 1, 0, (byte)'{' }, cts.Token);
                    socket.Dispose();
                    socket = null;
                }
            }
            catch (SocketException)
            {
                // The daemon closed this connection, as it may: start another.
                socket?.Dispose();
                socket = null;
            }
        }

        socket?.Dispose();

        var web = (await d.Client.StatusAsync("web")).Single();
        Assert.Equal(("running", pid), (web.State, web.Processes.Single().Pid));
        // The backlog may still hold our garbage connections for a moment: connecting again must succeed soon.
        UpstartClient? connected = null;
        await DaemonFixture.WaitUntilAsync(async () =>
        {
            try
            {
                connected = await UpstartClient.ConnectAsync(d.SocketPath, cts.Token);
                return true;
            }
            catch (Exception e) when (e is SocketException or UpstartException or IOException)
            {
                return false;
            }
        }, "a new client to be served");
        await using var fresh = connected!;
        Assert.StartsWith("init (upstart", await fresh.GetVersionAsync(cts.Token), StringComparison.Ordinal);
        Assert.Single(await fresh.ListAsync(cts.Token));
    }

    [Fact]
    public async Task A_daemon_started_with_sigchld_ignored_still_sees_its_jobs_exit()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            // Left ignored, the kernel would reap the jobs itself and no exit would reach the daemon: a task
            // would never finish.
            d.LaunchPrefix = LaunchPrefixes.IgnoringSignal("CHLD");
            d.WriteJob("quick", "task\nexec /bin/true\n");
            await d.StartAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

            var done = await d.Client.StartAsync("quick", wait: true, cancellationToken: cts.Token);

            Assert.Equal(("stop", "waiting"), (done.Goal, done.State));
            Assert.Empty(d.ProcessesOfJob("quick"));
        }
    }

    [Fact]
    public async Task Fifty_concurrent_clients_are_all_served()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", "exec /bin/sleep 1000\n"), ("w", "instance $N\nexec /bin/sleep 1000\n"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var clients = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => UpstartClient.ConnectAsync(d.SocketPath, cts.Token)));
        try
        {
            await Task.WhenAll(clients.Select(async (c, n) =>
            {
                await c.StartAsync("w", [$"N={n}"], wait: true, cts.Token);
                for (var i = 0; i < 20; i++)
                {
                    Assert.NotEmpty(await c.StatusAsync("svc", null, cts.Token));
                    Assert.NotEmpty(await c.ListAsync(cts.Token));
                }

                await c.StopAsync("w", [$"N={n}"], wait: true, cts.Token);
            }));
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }

        Assert.DoesNotContain(await d.Client.ListAsync(), j => j.Name == "w" && j.HasInstance);
    }

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    private static byte[] Garbage(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                // Random bytes, random header.
                var raw = new byte[random.Next(1, 64)];
                random.NextBytes(raw);
                return raw;
            case 1:
                // A well-formed frame of random bytes.
                var payload = new byte[random.Next(0, 256)];
                random.NextBytes(payload);
                return Frame(payload);
            case 2:
                // JSON that is not a request, or a request with wrong types and hostile names.
                string[] texts =
                [
                    "{}", "[]", "null", """{"id":"x","op":"start"}""", """{"id":1,"op":"stop","job":"../../etc/passwd"}""",
                    """{"id":2,"op":"emit","event":"","env":["A"]}""", """{"id":3,"op":"start","job":123}""",
                    """{"id":4,"op":"frobnicate"}""", """{"id":5,"op":"status","job":"[[[[*"}""",
                ];
                return Frame(Encoding.UTF8.GetBytes(texts[random.Next(texts.Length)]));
            default:
                // A header claiming an oversized payload.
                var big = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(big, random.Next(2 * 1024 * 1024, int.MaxValue));
                return big;
        }
    }
}
