using System.Net.Sockets;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>Framing on its own: frames split across reads, many frames in one read, limits, truncation.</summary>
public sealed class FrameReaderTests : IDisposable
{
    private readonly string _directory = TestServer.NewDirectory();
    private readonly Socket _writer;
    private readonly Socket _readerSocket;

    public FrameReaderTests()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(Path.Combine(_directory, "s")));
        listener.Listen();
        _writer = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _writer.Connect(new UnixDomainSocketEndPoint(Path.Combine(_directory, "s")));
        _readerSocket = listener.Accept();
    }

    [Fact]
    public async Task Several_frames_in_one_write_are_read_one_by_one()
    {
        var reader = new FrameReader(_readerSocket, 1024);
        _writer.Send([.. RawConnection.Frame("a"u8.ToArray()), .. RawConnection.Frame("bc"u8.ToArray()), .. RawConnection.Frame([])]);

        Assert.True(await reader.ReadAsync(TestServer.Deadline()));
        Assert.Equal("a"u8.ToArray(), reader.Current.ToArray());
        Assert.True(await reader.ReadAsync(TestServer.Deadline()));
        Assert.Equal("bc"u8.ToArray(), reader.Current.ToArray());
        Assert.True(await reader.ReadAsync(TestServer.Deadline()));
        Assert.True(reader.Current.IsEmpty);
    }

    [Fact]
    public async Task A_frame_written_byte_by_byte_is_read_whole()
    {
        var reader = new FrameReader(_readerSocket, 1024);
        var frame = RawConnection.Frame("{\"id\":1}"u8.ToArray());
        var read = reader.ReadAsync(TestServer.Deadline()).AsTask();

        foreach (var b in frame)
        {
            Assert.False(read.IsCompleted);
            _writer.Send([b]);
        }

        Assert.True(await read);
        Assert.Equal("{\"id\":1}"u8.ToArray(), reader.Current.ToArray());
    }

    [Fact]
    public async Task Frames_larger_than_the_buffer_grow_it_and_later_small_frames_still_work()
    {
        var reader = new FrameReader(_readerSocket, 1024 * 1024);
        var big = new byte[600_000];
        Random.Shared.NextBytes(big);
        var send = Task.Run(() =>
        {
            _writer.Send(RawConnection.Frame(big));
            _writer.Send(RawConnection.Frame("x"u8.ToArray()));
        });

        Assert.True(await reader.ReadAsync(TestServer.Deadline()));
        Assert.Equal(big, reader.Current.ToArray());
        Assert.True(await reader.ReadAsync(TestServer.Deadline()));
        Assert.Equal("x"u8.ToArray(), reader.Current.ToArray());
        await send;
    }

    [Fact]
    public async Task A_length_over_the_limit_is_a_frame_error()
    {
        var reader = new FrameReader(_readerSocket, 1024);
        _writer.Send([0, 0, 4, 1]);

        var error = await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync(TestServer.Deadline()).AsTask());

        Assert.Equal("Frame of 1025 bytes exceeds the limit of 1024 bytes", error.Message);
    }

    [Fact]
    public async Task A_negative_length_is_a_frame_error()
    {
        var reader = new FrameReader(_readerSocket, 1024);
        _writer.Send([0xff, 0xff, 0xff, 0xff]);

        await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync(TestServer.Deadline()).AsTask());
    }

    [Fact]
    public async Task End_of_stream_between_frames_is_a_clean_end_and_inside_one_is_truncation()
    {
        var clean = new FrameReader(_readerSocket, 1024);
        _writer.Send(RawConnection.Frame("a"u8.ToArray()));
        _writer.Send([0, 0, 0, 9, 1, 2]);
        _writer.Shutdown(SocketShutdown.Send);

        Assert.True(await clean.ReadAsync(TestServer.Deadline()));
        var error = await Assert.ThrowsAsync<FrameException>(() => clean.ReadAsync(TestServer.Deadline()).AsTask());
        Assert.Equal("Truncated frame", error.Message);
    }

    [Fact]
    public async Task End_of_stream_with_nothing_pending_returns_false()
    {
        var reader = new FrameReader(_readerSocket, 1024);
        _writer.Shutdown(SocketShutdown.Send);

        Assert.False(await reader.ReadAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task A_header_promising_a_mebibyte_with_no_body_does_not_allocate_a_mebibyte()
    {
        var reader = new FrameReader(_readerSocket, 1024 * 1024);
        _writer.Send([0, 0x10, 0, 0, 1, 2, 3]);
        _writer.Shutdown(SocketShutdown.Send);

        await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync(TestServer.Deadline()).AsTask());

        Assert.InRange(reader.BufferBytes, 1, 4 * 1024);
    }

    [Fact]
    public async Task A_frame_sent_in_part_costs_about_what_arrived_not_what_was_promised()
    {
        var reader = new FrameReader(_readerSocket, 1024 * 1024);
        var half = new byte[300_000];
        var send = Task.Run(() =>
        {
            _writer.Send([0, 0x10, 0, 0]);
            _writer.Send(half);
            _writer.Shutdown(SocketShutdown.Send);
        });

        await Assert.ThrowsAsync<FrameException>(() => reader.ReadAsync(TestServer.Deadline()).AsTask());
        await send;

        Assert.InRange(reader.BufferBytes, half.Length, 2 * (half.Length + 4));
    }

    [Fact]
    public async Task A_frame_trickled_byte_by_byte_grows_the_buffer_only_as_bytes_arrive()
    {
        var reader = new FrameReader(_readerSocket, 1024 * 1024);
        var payload = new byte[40_000];
        var frame = RawConnection.Frame(payload);
        var read = reader.ReadAsync(TestServer.Deadline()).AsTask();
        var sizes = new List<int>();
        for (var i = 0; i < frame.Length; i += 1000)
        {
            _writer.Send(frame.AsSpan(i, Math.Min(1000, frame.Length - i)));
            sizes.Add(reader.BufferBytes);
        }

        Assert.True(await read);
        Assert.Equal(payload.Length, reader.Current.Length);
        // Never more than twice what had been sent when it was looked at (plus the 4 KiB start), never the promised size first.
        Assert.All(sizes.Select((size, i) => (size, sent: (i + 1) * 1000)), s => Assert.InRange(s.size, 1, Math.Max(4 * 1024, 2 * s.sent)));
    }

    public void Dispose()
    {
        _writer.Dispose();
        _readerSocket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
