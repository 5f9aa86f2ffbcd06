using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Frames are serialised into a buffer that hands its big array on: growing keeps what was written, a released
/// big array is taken whole by the next frame that outgrows its first array (nothing allocated on the way), a small
/// or oversized one is not kept, and frames sent one after another through a sender that lets its big array go
/// between them each arrive whole.
/// </summary>
public sealed class SpareBufferWriterTests : IDisposable
{
    private readonly string _directory = TestServer.NewDirectory();
    private readonly SpareBufferWriter.Slot _slot = new();

    [Fact]
    public void Growing_keeps_every_byte_written()
    {
        var writer = new SpareBufferWriter(16, _slot);
        var expected = new byte[100_000];
        Random.Shared.NextBytes(expected);
        for (var at = 0; at < expected.Length; at += 7)
        {
            var chunk = expected.AsSpan(at, Math.Min(7, expected.Length - at));
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
        }

        Assert.Equal(expected, writer.WrittenMemory.ToArray());
        Assert.Throws<InvalidOperationException>(() => writer.Advance(writer.Capacity));
    }

    [Fact]
    public void A_released_big_array_is_taken_whole_by_the_next_frame_that_outgrows_its_first()
    {
        var first = Written(new SpareBufferWriter(4096, _slot), 300_000, out var big);
        first.Release();
        Assert.Same(big, _slot.Array);

        var second = new SpareBufferWriter(4096, _slot);
        Written(second, 1000, out var small);
        Assert.Equal(4096, small.Length);
        Assert.Same(big, _slot.Array); // a frame that fits its first array leaves the spare alone

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Written(second, 299_000, out var grown);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, 1024);
        Assert.Same(big, grown);
        Assert.Null(_slot.Array);
        Assert.Equal(300_000, second.WrittenCount);
    }

    [Fact]
    public void Neither_a_first_sized_array_nor_one_over_the_limit_is_kept()
    {
        var small = Written(new SpareBufferWriter(4096, _slot), 100, out _);
        small.Release();
        Assert.Null(_slot.Array);

        var huge = Written(new SpareBufferWriter(4096, _slot), SpareBufferWriter.MaxSpareBytes + 1, out _);
        huge.Release();
        Assert.Null(_slot.Array);
    }

    private static SpareBufferWriter Written(SpareBufferWriter writer, int bytes, out byte[] array)
    {
        for (var left = bytes; left > 0;)
        {
            var n = Math.Min(left, 1000);
            writer.GetSpan(n)[..n].Fill(1);
            writer.Advance(n);
            left -= n;
        }

        Assert.True(MemoryMarshal.TryGetArray<byte>(writer.WrittenMemory, out var segment));
        array = segment.Array!;
        return writer;
    }

    [Fact]
    public async Task Big_and_small_frames_one_after_another_each_arrive_whole()
    {
        var path = Path.Combine(_directory, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var server = await listener.AcceptAsync();
        using var sender = new FrameSender(server, 4 * 1024 * 1024, TimeSpan.FromSeconds(30), retainBytes: 16 * 1024);
        var reader = new FrameReader(client, 4 * 1024 * 1024);
        string[] texts = [new string('a', 400_000), "small", new string('b', 300_000), new string('c', 20_000), "end"];

        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < texts.Length; i++)
            {
                var frame = new ResponseFrame { Id = i, Type = ResponseTypes.Result, Text = texts[i] };
                await sender.SendAsync(frame, ProtocolJsonContext.Default.ResponseFrame, CancellationToken.None);
            }
        });

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            var frame = JsonSerializer.Deserialize(reader.Current.Span, ProtocolJsonContext.Default.ResponseFrame)!;
            Assert.Equal(i, frame.Id);
            Assert.Equal(texts[i], frame.Text);
        }

        await sending.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
