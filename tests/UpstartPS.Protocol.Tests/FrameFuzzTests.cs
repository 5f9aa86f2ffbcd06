using System.Diagnostics;
using System.Net.Sockets;
using UpstartPS.Protocol.Server;
using Xunit.Abstractions;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Issue 12: random and mutated frames against a real <see cref="ControlServer"/>, sent the ways hostile
/// clients send them: read normally, never read (answers pile up), trickled a few bytes at a time, without a
/// handshake, or left unfinished. No exception may escape the server, no session may hang, the answers waiting
/// for any one connection stay within the byte bound, and the server still answers afterwards. Quick here;
/// `build.ps1 -Task Fuzz` runs the full count ($UPSTARTPS_FUZZ_FRAMES).
/// </summary>
public sealed class FrameFuzzTests(ITestOutputHelper output)
{
    private const long QueueBound = 256 * 1024;
    private const int Parallel = 8;
    private static readonly TimeSpan SessionBound = TimeSpan.FromSeconds(60);

    private static int Count(string variable, int quick) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var count) && count > 0 ? count : quick;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("UPSTARTPS_FUZZ_SEED"), out var seed) ? seed : 12;

    [Fact]
    [Trait("Category", "Fuzz")]
    public async Task Hostile_frames_and_clients_never_crash_hang_or_grow_the_server()
    {
        var total = Count("UPSTARTPS_FUZZ_FRAMES", 2_000);
        var seed = Seed;
        await using var server = TestServer.Start(path => new ControlServerOptions
        {
            SocketPath = path,
            HandshakeTimeout = TimeSpan.FromSeconds(2),
            IdleTimeout = TimeSpan.FromSeconds(1),
            WriteTimeout = TimeSpan.FromSeconds(5),
            MaxQueuedBytesPerConnection = QueueBound,
        });
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        long sent = 0;
        long peakHeap = 0;
        var sessions = 0;
        var failures = new List<string>();

        for (var batch = 0; Interlocked.Read(ref sent) < total; batch++)
        {
            var work = Enumerable.Range(0, Parallel).Select(i =>
            {
                var sessionSeed = HashCode.Combine(seed, batch, i);
                return SessionAsync(server.SocketPath, new FrameMutator(sessionSeed), frames => Interlocked.Add(ref sent, frames))
                    .WaitAsync(SessionBound)
                    .ContinueWith(
                        t => t.Exception?.InnerException switch
                        {
                            null => null,
                            TimeoutException or OperationCanceledException => $"session seed {sessionSeed} hung",
                            var ex => $"session seed {sessionSeed} failed: {ex}",
                        },
                        TaskScheduler.Default);
            }).ToArray();
            foreach (var result in await Task.WhenAll(work))
            {
                if (result is not null)
                {
                    failures.Add(result);
                }
            }

            sessions += Parallel;
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            // The fake handler records every call with its arguments, mutated names of up to 1 MiB among them.
            server.Handler.ForgetRecorded();
        }

        await WaitForAsync(() => server.Server.ConnectionCount == 0);
        await using (var client = await server.ConnectAsync())
        {
            Assert.Equal("init (upstart 1.13.2)", await client.GetVersionAsync(TestServer.Deadline()));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        string[] escaped;
        lock (server.Log)
        {
            escaped = [.. server.Log.Where(line => line.StartsWith("Unexpected failure", StringComparison.Ordinal))];
        }

        output.WriteLine(
            $"{sent} frames in {sessions} sessions, seed {seed}, {clock.Elapsed.TotalSeconds:0.0} s; peak queued per connection " +
            $"{server.Server.PeakQueuedBytesPerConnection / 1024} KiB (bound {QueueBound / 1024} KiB); heap {before / 1024 / 1024} MiB, " +
            $"peak {peakHeap / 1024 / 1024} MiB, after {after / 1024 / 1024} MiB; {failures.Count} hung or failed sessions, {escaped.Length} escaped exceptions");
        Assert.Empty(failures);
        Assert.Empty(escaped);
        Assert.Equal(0, server.Server.QueuedBytes);
        // One frame may pass the bound on its own (up to 1 MiB here), counted as what it holds (FrameSender.QueuedFrameCost).
        Assert.InRange(server.Server.PeakQueuedBytesPerConnection, 0, QueueBound + UpstartPS.Protocol.Wire.FrameSender.QueuedFrameCost(1024 * 1024));
        Assert.InRange(after - before, long.MinValue, 64L * 1024 * 1024);
    }

    /// <summary>One hostile client; what it sends is counted through <paramref name="count"/> as it goes.</summary>
    private static async Task SessionAsync(string path, FrameMutator mutator, Action<int> count)
    {
        var random = mutator.Random;
        var pattern = random.Next(100);
        using var session = new CancellationTokenSource(SessionBound);
        var deadline = session.Token;
        using var connection = await RawConnection.ConnectAsync(path, deadline);
        var reading = pattern < 45 || (pattern >= 70 && pattern < 90);
        var drain = reading ? connection.DrainUntilClosedAsync(deadline) : Task.FromResult(0);
        try
        {
            if (pattern < 95)
            {
                await connection.SendFrameAsync(RawConnection.Hello, deadline);
            }

            var frames = pattern switch
            {
                < 45 => random.Next(1, 60),
                < 70 => random.Next(100, 1500),
                < 90 => random.Next(1, 20),
                _ => random.Next(1, 10),
            };
            for (var i = 0; i < frames; i++)
            {
                var frame = mutator.NextFrame();
                if (pattern is >= 70 and < 90)
                {
                    await TrickleAsync(connection, frame, random, deadline);
                }
                else
                {
                    await connection.SendBytesAsync(frame, deadline);
                }

                count(1);
            }

            if (pattern >= 98)
            {
                // Unfinished frame, then silence: the idle timeout must close it.
                await connection.SendBytesAsync(new byte[] { 0, 0, 1, 0, (byte)'{' }, deadline);
                await connection.DrainUntilClosedAsync(deadline);
            }

            if (reading)
            {
                connection.EndSending();
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            // The server hung up on this client: that is one of the outcomes being tested.
        }

        await drain;
    }

    private static async Task TrickleAsync(RawConnection connection, byte[] frame, Random random, CancellationToken deadline)
    {
        for (var at = 0; at < frame.Length;)
        {
            var piece = Math.Min(frame.Length - at, frame.Length > 4096 ? 4096 : random.Next(1, 8));
            await connection.SendBytesAsync(frame.AsMemory(at, piece), deadline);
            at += piece;
            await Task.Yield();
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = TestServer.Deadline(60);
        while (!condition())
        {
            await Task.Delay(20, deadline);
        }
    }
}
