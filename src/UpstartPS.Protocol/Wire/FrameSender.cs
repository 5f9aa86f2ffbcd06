using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// Serialises messages into frames and writes them whole, one at a time, from any number of threads.
/// Writers queue on a lock; <paramref name="writeTimeout"/> bounds how long a frame may wait for a peer
/// that does not read. A frame interrupted half-way leaves the stream unusable, so the socket is shut down.
/// </summary>
internal sealed class FrameSender : IDisposable
{
    private readonly Socket _socket;
    private readonly int _maxFrameBytes;
    private readonly TimeSpan _writeTimeout;
    private readonly int _retainBytes;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private const int InitialBufferBytes = 16 * 1024;

    private ArrayBufferWriter<byte> _buffer = new(InitialBufferBytes);
    private readonly Utf8JsonWriter _json;

    // One timer for every send, re-armed per frame: allocating a timeout per frame would cost more than the send.
    private readonly CancellationTokenSource _timeout = new();
    private bool _broken;

    /// <param name="socket">The connected socket to write.</param>
    /// <param name="maxFrameBytes">Largest payload sent; a bigger message throws <see cref="FrameException"/>.</param>
    /// <param name="writeTimeout">How long a frame may wait for the peer to read.</param>
    /// <param name="retainBytes">Largest serialisation buffer kept between frames.</param>
    public FrameSender(Socket socket, int maxFrameBytes, TimeSpan writeTimeout, int retainBytes = 1024 * 1024)
    {
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
        _writeTimeout = writeTimeout;
        _retainBytes = retainBytes;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Sends one frame. Throws <see cref="FrameException"/> when the message is larger than the limit (nothing is sent).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync<T>(T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (!_lock.Wait(0, CancellationToken.None) && !await _lock.WaitAsync(_writeTimeout, cancellationToken).ConfigureAwait(false))
        {
            Break();
            throw new TimeoutException("The peer did not read its frames in time");
        }

        try
        {
            ObjectDisposedException.ThrowIf(_broken, this);
            var frame = Serialise(message, typeInfo);

            // Once the first byte is out the frame must finish or the stream is lost: only the timeout interrupts it.
            _timeout.CancelAfter(_writeTimeout);
            await SendWholeAsync(frame, _timeout.Token).ConfigureAwait(false);
            if (!_timeout.TryReset())
            {
                Break();
                throw new TimeoutException("The peer did not read its frames in time");
            }

            if (_buffer.Capacity > _retainBytes)
            {
                // One big answer (a list of thousands of jobs) should not pin its buffer for the connection's life.
                _buffer = new ArrayBufferWriter<byte>(InitialBufferBytes);
                _json.Reset(_buffer);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private ReadOnlyMemory<byte> Serialise<T>(T message, JsonTypeInfo<T> typeInfo)
    {
        _buffer.ResetWrittenCount();
        _buffer.Advance(FrameFormat.HeaderBytes);
        _json.Reset(_buffer);
        JsonSerializer.Serialize(_json, message, typeInfo);
        _json.Flush();
        var length = _buffer.WrittenCount - FrameFormat.HeaderBytes;
        if (length > _maxFrameBytes)
        {
            throw new FrameException($"Message of {length} bytes exceeds the limit of {_maxFrameBytes} bytes");
        }

        var frame = MemoryMarshal.AsMemory(_buffer.WrittenMemory);
        BinaryPrimitives.WriteInt32BigEndian(frame.Span, length);
        return frame;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendWholeAsync(ReadOnlyMemory<byte> frame, CancellationToken timeout)
    {
        try
        {
            while (!frame.IsEmpty)
            {
                var sent = await _socket.SendAsync(frame, SocketFlags.None, timeout).ConfigureAwait(false);
                frame = frame[sent..];
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Break();
            if (ex is OperationCanceledException)
            {
                throw new TimeoutException("The peer did not read its frames in time", ex);
            }

            throw;
        }
    }

    private void Break()
    {
        _broken = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer or by the owner: nothing more to break.
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        _json.Dispose();
        _timeout.Dispose();
    }
}
