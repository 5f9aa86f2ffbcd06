using System.Buffers.Binary;
using System.Text;

namespace UpstartPS.Protocol.Tests;

/// <summary>Hostile and broken input: the server answers with an error or hangs up, and keeps serving everyone else.</summary>
public sealed class GarbageInputTests
{
    [Fact]
    public async Task Ten_thousand_random_or_truncated_frames_leave_the_server_serving_and_change_nothing()
    {
        await using var server = TestServer.Start();
        var random = new Random(4);
        var frames = 0;
        while (frames < 10_000)
        {
            var batch = Enumerable.Range(0, 25).Select(_ => (Seed: random.Next(), Kind: random.Next(6))).ToList();
            var sent = await Task.WhenAll(batch.Select(b => SendGarbageAsync(server.SocketPath, new Random(b.Seed), b.Kind)));
            frames += sent.Sum();
        }

        await using var client = await server.ConnectAsync();
        Assert.Equal(3, (await client.ListAsync(TestServer.Deadline())).Count);
        Assert.Equal(["list"], server.Handler.Calls);
        lock (server.Log)
        {
            Assert.DoesNotContain(server.Log, line => line.StartsWith("Unexpected", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"id\":5,\"op\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"id\":\"five\",\"op\":\"list\"}")]
    [InlineData("{\"id\":5,\"op\":\"list\",\"env\":{\"a\":1}}")]
    [InlineData("null")]
    [InlineData("")]
    public async Task A_malformed_request_gets_a_BadRequest_reply_and_the_connection_stays_open(string payload)
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync(payload, TestServer.Deadline());
        var error = await raw.ReadFrameAsync(TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":9,"op":"version"}""", TestServer.Deadline());
        var answer = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Equal("BadRequest", error!.Value.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal((9, "init (upstart 1.13.2)"), (answer!.Value.GetProperty("id").GetInt64(), answer.Value.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task The_error_for_a_request_with_a_bad_field_carries_its_id()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync("""{"op":"start","wait":"sometimes","id":77}""", TestServer.Deadline());
        var error = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Equal(77, error!.Value.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task An_unknown_operation_is_named_in_the_error()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync("""{"id":3,"op":"format-disk"}""", TestServer.Deadline());
        var error = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Equal("Unknown operation: format-disk", error!.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(server.Handler.Calls);
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_closes_the_connection_with_a_reason()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 2 * 1024 * 1024);

        await raw.SendBytesAsync(header, TestServer.Deadline());
        var error = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Contains("exceeds the limit", error!.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.Null(await raw.ReadFrameAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task A_client_that_keeps_sending_garbage_is_disconnected()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        for (var i = 0; i < 40; i++)
        {
            try
            {
                await raw.SendFrameAsync("garbage", TestServer.Deadline());
            }
            catch (System.Net.Sockets.SocketException) when (i >= 16)
            {
                // The server has hung up after the 16th (EPIPE, or a reset): nothing more to send.
                break;
            }
        }

        Assert.Equal(16, await raw.DrainUntilClosedAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task A_duplicate_id_in_flight_is_refused()
    {
        await using var server = TestServer.Start();
        using var raw = await RawConnection.HandshakenAsync(server.SocketPath, TestServer.Deadline());

        await raw.SendFrameAsync("""{"id":4,"op":"start","job":"slow"}""", TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":4,"op":"list"}""", TestServer.Deadline());
        var error = await raw.ReadFrameAsync(TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":4,"op":"cancel"}""", TestServer.Deadline());
        var end = await raw.ReadFrameAsync(TestServer.Deadline());

        Assert.Contains("already in flight", error!.Value.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("end", end!.Value.GetProperty("type").GetString());
        await server.Handler.SlowCancelled.Task.WaitAsync(TestServer.Deadline());
    }

    /// <summary>One connection's worth of garbage; returns how many frames (or frame-like chunks) it sent.</summary>
    private static async Task<int> SendGarbageAsync(string socketPath, Random random, int kind)
    {
        var deadline = TestServer.Deadline();
        using var raw = kind == 0
            ? await RawConnection.ConnectAsync(socketPath, deadline)
            : await RawConnection.HandshakenAsync(socketPath, deadline);
        var frames = 0;
        switch (kind)
        {
            case 0 or 1:
                // Random bytes, before or after the handshake: almost always an absurd length.
                var noise = new byte[random.Next(1, 4096)];
                random.NextBytes(noise);
                await raw.SendBytesAsync(noise, deadline);
                frames = 1;
                break;
            case 2:
                // Well-framed random payloads, up to the bad-request limit.
                for (; frames < 15; frames++)
                {
                    var payload = new byte[random.Next(0, 300)];
                    random.NextBytes(payload);
                    await raw.SendFrameAsync(payload, deadline);
                }

                break;
            case 3:
                // Truncated JSON requests.
                for (; frames < 15; frames++)
                {
                    var request = Encoding.UTF8.GetBytes("""{"id":1,"op":"start","job":"web","env":["A=1"],"wait":true}""");
                    await raw.SendFrameAsync(request[..random.Next(request.Length)], deadline);
                }

                break;
            case 4:
                // Valid JSON, wrong meaning: unknown ops, missing ids, missing names, wrong types.
                string[] wrong =
                [
                    """{"id":0,"op":"list"}""", """{"id":-3,"op":"list"}""", """{"id":1,"op":"shutdown"}""",
                    """{"id":2,"op":"start"}""", """{"id":3,"op":"emit","event":""}""", """{"id":4,"op":"log","job":"x","tail":-1}""",
                    """{"id":5,"op":"set-enabled","job":"x"}""", """{"id":6,"op":"start","job":"x","env":[null]}""", """{"id":7,"op":7}""",
                ];
                for (; frames < 15; frames++)
                {
                    await raw.SendFrameAsync(wrong[random.Next(wrong.Length)], deadline);
                }

                break;
            default:
                // A frame cut off in the middle, then the client vanishes.
                var header = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(header, 100);
                await raw.SendBytesAsync(header.Concat(new byte[random.Next(0, 100)]).ToArray(), deadline);
                frames = 1;
                break;
        }

        if (kind is 2 or 3 or 4)
        {
            // Every bad frame is answered, and the connection is still usable afterwards.
            for (var i = 0; i < frames; i++)
            {
                Assert.Equal("error", (await raw.ReadFrameAsync(deadline))!.Value.GetProperty("type").GetString());
            }
        }

        return frames;
    }
}
