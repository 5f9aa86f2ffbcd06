using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// Frames over a blocking socket for a client that has one request in flight at a time (upstartctl).
/// Frames are queued and go out together on <see cref="Flush"/>, so a hello and the first request cost
/// one write and one round trip. No thread pool, no epoll thread, no timer: a short-lived process pays
/// for none of them. Not thread-safe.
/// </summary>
internal sealed class BlockingFrameStream : IDisposable
{
    private const int InitialBufferBytes = 4 * 1024;

    private readonly BlockingUnixSocket _socket;
    private readonly int _maxRequestBytes;
    private readonly int _maxResponseBytes;
    private readonly ArrayBufferWriter<byte> _outgoing = new(InitialBufferBytes);
    private readonly Utf8JsonWriter _json;
    private byte[] _incoming = new byte[InitialBufferBytes];
    private int _start;
    private int _end;

    public BlockingFrameStream(BlockingUnixSocket socket, int maxRequestBytes, int maxResponseBytes)
    {
        _socket = socket;
        _maxRequestBytes = maxRequestBytes;
        _maxResponseBytes = maxResponseBytes;
        _json = new Utf8JsonWriter(_outgoing, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Serialises one frame behind those already queued. Throws <see cref="FrameException"/> (nothing queued) when it is too large.</summary>
    public void Queue<T>(T message, JsonTypeInfo<T> typeInfo) => Queue(message, (writer, m) => JsonSerializer.Serialize(writer, m, typeInfo));

    /// <summary>As <see cref="Queue{T}(T, JsonTypeInfo{T})"/>, with the frame's JSON written by <paramref name="write"/>.</summary>
    public void Queue<T>(T message, Action<Utf8JsonWriter, T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var frameStart = _outgoing.WrittenCount;
        _outgoing.GetSpan(FrameFormat.HeaderBytes);
        _outgoing.Advance(FrameFormat.HeaderBytes);
        _json.Reset(_outgoing);
        write(_json, message);
        _json.Flush();
        var length = _outgoing.WrittenCount - frameStart - FrameFormat.HeaderBytes;
        if (length > _maxRequestBytes)
        {
            // ArrayBufferWriter cannot shrink its count: rebuild the queue without the refused frame.
            var kept = _outgoing.WrittenSpan[..frameStart].ToArray();
            _outgoing.ResetWrittenCount();
            _outgoing.Write(kept);
            throw new FrameException($"Message of {length} bytes exceeds the limit of {_maxRequestBytes} bytes");
        }

        BinaryPrimitives.WriteInt32BigEndian(MemoryMarshal.AsMemory(_outgoing.WrittenMemory).Span.Slice(frameStart, FrameFormat.HeaderBytes), length);
    }

    /// <summary>Writes every queued frame.</summary>
    public void Flush()
    {
        var pending = _outgoing.WrittenSpan;
        while (!pending.IsEmpty)
        {
            pending = pending[_socket.Send(pending)..];
        }

        _outgoing.ResetWrittenCount();
    }

    /// <summary>The next frame's payload, valid until the next call; null on a clean end of stream between frames.</summary>
    public ReadOnlyMemory<byte>? Read()
    {
        if (!Fill(FrameFormat.HeaderBytes))
        {
            return _end == _start ? null : throw new FrameException("Truncated frame header");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(_incoming.AsSpan(_start, FrameFormat.HeaderBytes));
        if (length < 0 || length > _maxResponseBytes)
        {
            throw new FrameException($"Frame of {(uint)length} bytes exceeds the limit of {_maxResponseBytes} bytes");
        }

        if (!Fill(FrameFormat.HeaderBytes + length))
        {
            throw new FrameException("Truncated frame");
        }

        var payload = _incoming.AsMemory(_start + FrameFormat.HeaderBytes, length);
        _start += FrameFormat.HeaderBytes + length;
        return payload;
    }

    private bool Fill(int needed)
    {
        while (_end - _start < needed)
        {
            if (_incoming.Length - _start < needed)
            {
                // Move what is buffered to the front of a buffer big enough for the whole frame.
                var target = _incoming.Length < needed ? new byte[Math.Max(needed, _incoming.Length * 2)] : _incoming;
                Buffer.BlockCopy(_incoming, _start, target, 0, _end - _start);
                _end -= _start;
                _start = 0;
                _incoming = target;
            }

            var read = _socket.Receive(_incoming.AsSpan(_end));
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    public void Dispose() => _json.Dispose();
}
