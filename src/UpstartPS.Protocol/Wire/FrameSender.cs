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
/// Writers queue on a lock; <c>writeTimeout</c> bounds how long a frame may wait for a peer that does not
/// read, and the optional <see cref="SendBudget"/>s bound how many bytes the waiting frames may hold.
/// A frame interrupted half-way leaves the stream unusable, so the socket is shut down.
/// </summary>
internal sealed class FrameSender : IDisposable
{
    private readonly Socket _socket;
    private readonly int _maxFrameBytes;
    private readonly TimeSpan _writeTimeout;
    private readonly int _retainBytes;
    private readonly SemaphoreSlim _lock = new(1, 1);
    // One page: most answers are a few hundred bytes; a big one (list of thousands) grows it, and its array is
    // handed on to the next big frame afterwards (retainBytes, SpareBufferWriter). Each upstartctl command is a connection of its own (issue 11).
    private const int InitialBufferBytes = 4 * 1024;

    private readonly SpareBufferWriter _buffer = new(InitialBufferBytes);
    private readonly Utf8JsonWriter _json;

    // One timer for every send, re-armed per frame: allocating a timeout per frame would cost more than the send.
    private readonly CancellationTokenSource _timeout = new();
    private bool _broken;

    // Cancelled once the stream is broken or the sender disposed: every frame still waiting its turn gives up at
    // once instead of holding its bytes (and the answer it was made from) until its write timeout. A flood of
    // unread answers left tens of thousands of them waiting 10 s on a lock nobody would release again.
    private readonly CancellationTokenSource _breaking = new();

    /// <summary>
    /// What a queued frame costs beyond its bytes: the answer it was serialised from stays reachable while it waits
    /// (from the caller's awaiting state), about as large again as its bytes, and the waiting send's own state
    /// (its tasks, timer and registrations) about 1.5 KiB. Counted so that the budgets bound memory, not only bytes.
    /// </summary>
    internal const int QueuedFrameOverheadBytes = 2048;

    /// <summary>A queued frame's cost against the budgets: its bytes twice (the frame and its answer) and the overhead.</summary>
    internal static long QueuedFrameCost(int frameBytes) => (2L * frameBytes) + QueuedFrameOverheadBytes;

    private readonly SendBudget? _connectionBudget;
    private readonly SendBudget? _userBudget;

    /// <param name="socket">The connected socket to write.</param>
    /// <param name="maxFrameBytes">Largest payload sent; a bigger message throws <see cref="FrameException"/>.</param>
    /// <param name="writeTimeout">How long a frame may wait for the peer to read.</param>
    /// <param name="retainBytes">Largest serialisation buffer kept between frames; a bigger one is handed on to the next big frame.</param>
    /// <param name="connectionBudget">Bytes this connection's unsent frames may hold; null: not counted (the client's side).</param>
    /// <param name="userBudget">Bytes shared by every connection of the peer's user; null: not counted.</param>
    public FrameSender(
        Socket socket, int maxFrameBytes, TimeSpan writeTimeout, int retainBytes = 16 * 1024, SendBudget? connectionBudget = null, SendBudget? userBudget = null)
    {
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
        _writeTimeout = writeTimeout;
        _retainBytes = retainBytes;
        _connectionBudget = connectionBudget;
        _userBudget = userBudget;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>True once a frame was refused because the peer's answers went over a budget (the socket is shut down).</summary>
    public bool Overflowed { get; private set; }

    /// <summary>
    /// Sends one frame. Throws <see cref="FrameException"/> when the message is larger than the limit (nothing is sent),
    /// <see cref="PeerNotReadingException"/> when queuing it would pass a budget, <see cref="TimeoutException"/> when the
    /// peer does not read in time.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync<T>(T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (!_lock.Wait(0, CancellationToken.None))
        {
            await SendQueuedAsync(message, typeInfo, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            ObjectDisposedException.ThrowIf(_broken, this);
            var frame = Serialise(message, typeInfo);
            var cost = Take(frame.Length);
            try
            {
                await SendTimedAsync(frame).ConfigureAwait(false);
            }
            finally
            {
                Give(cost);
            }

            if (_buffer.Capacity > _retainBytes)
            {
                // One big answer (a list of thousands of jobs) should not pin its buffer for the connection's life;
                // the send has finished with it, so the next big answer, on any connection, may take it.
                _buffer.Release();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Another frame is on the wire: this one waits its turn as bytes of its own, so what the wait costs is
    /// known and counted against the budgets before it is allowed to wait at all (issue 12, item 9).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendQueuedAsync<T>(T message, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_broken, this);
        var frame = SerialiseCopy(message, typeInfo);
        var cost = Take(frame.Length);
        try
        {
            if (!await WaitTurnAsync(cancellationToken).ConfigureAwait(false))
            {
                Break();
                throw new TimeoutException("The peer did not read its frames in time");
            }

            try
            {
                ObjectDisposedException.ThrowIf(_broken, this);
                await SendTimedAsync(frame).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }
        finally
        {
            Give(cost);
        }
    }

    /// <summary>The lock, within the write timeout; a broken or disposed sender ends the wait at once (ObjectDisposedException).</summary>
    private async ValueTask<bool> WaitTurnAsync(CancellationToken cancellationToken)
    {
        using var either = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _breaking.Token) : null;
        try
        {
            return await _lock.WaitAsync(_writeTimeout, either?.Token ?? _breaking.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_breaking.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(FrameSender), "The stream broke while this frame waited its turn");
        }
    }

    /// <summary>
    /// Once the first byte is out the frame must finish or the stream is lost: only the timeout interrupts it.
    /// Most frames go out at once (the socket buffer has room), so the timer is armed only for a send that has
    /// to wait: re-arming it costs two trips through the runtime's timer queue lock per frame (issue 11).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendTimedAsync(ReadOnlyMemory<byte> frame)
    {
        var sending = SendWholeAsync(frame, _timeout.Token);
        if (sending.IsCompleted)
        {
            await sending.ConfigureAwait(false);
            return;
        }

        _timeout.CancelAfter(_writeTimeout);
        try
        {
            await sending.ConfigureAwait(false);
        }
        finally
        {
            // A send that had to wait finishes on the socket thread when the socket prefers inline completions
            // (the daemon's connections): what the caller does next (the next item of a stream) must not hold it.
            await SocketThread.LeaveAsync();
        }

        if (!_timeout.TryReset())
        {
            Break();
            throw new TimeoutException("The peer did not read its frames in time");
        }
    }

    /// <summary>Counts a frame against both budgets; over either, the peer is dropped.</summary>
    private long Take(int frameBytes)
    {
        if (_connectionBudget is null && _userBudget is null)
        {
            return 0;
        }

        var cost = QueuedFrameCost(frameBytes);
        if (_connectionBudget?.TryTake(cost) == false)
        {
            Overflow(_connectionBudget, "connection");
        }

        if (_userBudget?.TryTake(cost) == false)
        {
            _connectionBudget?.Give(cost);
            Overflow(_userBudget, "user");
        }

        return cost;
    }

    private void Give(long cost)
    {
        if (cost != 0)
        {
            _connectionBudget?.Give(cost);
            _userBudget?.Give(cost);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Overflow(SendBudget budget, string scope)
    {
        Overflowed = true;
        Break();
        throw new PeerNotReadingException($"The peer is not reading its answers: over the {scope} limit of {budget.Limit} bytes waiting to be sent");
    }

    private ReadOnlyMemory<byte> SerialiseCopy<T>(T message, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Advance(FrameFormat.HeaderBytes);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            JsonSerializer.Serialize(json, message, typeInfo);
        }

        var length = buffer.WrittenCount - FrameFormat.HeaderBytes;
        if (length > _maxFrameBytes)
        {
            throw new FrameException($"Message of {length} bytes exceeds the limit of {_maxFrameBytes} bytes");
        }

        var frame = MemoryMarshal.AsMemory(buffer.WrittenMemory);
        BinaryPrimitives.WriteInt32BigEndian(frame.Span, length);
        return frame;
    }

    private ReadOnlyMemory<byte> Serialise<T>(T message, JsonTypeInfo<T> typeInfo)
    {
        _buffer.ResetWrittenCount();
        _buffer.GetSpan(FrameFormat.HeaderBytes);
        _buffer.Advance(FrameFormat.HeaderBytes);
        _json.Reset(_buffer);
        JsonSerializer.Serialize(_json, message, typeInfo);
        _json.Flush();
        var length = _buffer.WrittenCount - FrameFormat.HeaderBytes;
        if (length > _maxFrameBytes)
        {
            throw new FrameException($"Message of {length} bytes exceeds the limit of {_maxFrameBytes} bytes");
        }

        var frame = _buffer.WrittenMemory;
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
        // Asynchronously: the waiting frames' continuations must not run here, where the caller may hold the lock.
        _ = _breaking.CancelAsync();
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
        // Frames still waiting leave at once. The lock, the timeout and this source are not disposed: a send may
        // still be finishing on another thread (the frame on the wire, failing as its socket closes) and would
        // then find them gone, and none of them holds anything that needs disposing (no wait handle, no timer
        // left running once its send has ended).
        _breaking.Cancel();
        _json.Dispose();

        // The buffer's array is handed on only when no send holds the lock (and so none reads it); the lock is kept,
        // so a send that comes later gives up as a queued one does. With a send under way, the array is left to the
        // collector: handed on while the socket may still read it, another frame could be written into it.
        if (_lock.Wait(0, CancellationToken.None))
        {
            _buffer.Release();
        }
    }
}
