using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// Reads length-prefixed frames from a socket into one reusable buffer; several frames that arrive in one
/// read are handed out one by one without further system calls. Not thread-safe: one reader loop per socket.
/// </summary>
internal sealed class FrameReader
{
    // One page: a request is a few hundred bytes, and every upstartctl command is a new connection whose
    // buffers the daemon allocates afresh (16 KiB each side made 32 KiB of garbage per command; issue 11).
    private const int InitialBufferBytes = 4 * 1024;

    private readonly Socket _socket;
    private readonly int _maxFrameBytes;
    private readonly int _retainBytes;
    private byte[] _buffer = new byte[InitialBufferBytes];
    private int _start;
    private int _end;

    /// <param name="socket">The connected socket to read.</param>
    /// <param name="maxFrameBytes">Largest payload accepted.</param>
    /// <param name="retainBytes">Largest buffer kept once idle; a bigger one (left by a big frame) is given back.</param>
    public FrameReader(Socket socket, int maxFrameBytes, int retainBytes = 64 * 1024)
    {
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
        _retainBytes = retainBytes;
    }

    /// <summary>The payload of the last frame read; valid until the next call to <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Reads the next frame. False on a clean end of stream between frames; <see cref="FrameException"/> on a broken one.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        Current = default;
        if (!await FillAsync(FrameFormat.HeaderBytes, cancellationToken).ConfigureAwait(false))
        {
            if (_end == _start)
            {
                return false;
            }

            throw new FrameException("Truncated frame header");
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start, FrameFormat.HeaderBytes));
        if (length < 0 || length > _maxFrameBytes)
        {
            throw new FrameException($"Frame of {(uint)length} bytes exceeds the limit of {_maxFrameBytes} bytes");
        }

        if (!await FillAsync(FrameFormat.HeaderBytes + length, cancellationToken).ConfigureAwait(false))
        {
            throw new FrameException("Truncated frame");
        }

        Current = _buffer.AsMemory(_start + FrameFormat.HeaderBytes, length);
        _start += FrameFormat.HeaderBytes + length;
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int needed, CancellationToken cancellationToken)
    {
        while (_end - _start < needed)
        {
            MakeRoom(needed);
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>
    /// Makes room for more of a frame of <paramref name="needed"/> bytes. The buffer grows with what has
    /// arrived (doubling), never to what a header promises: a client that announces 1 MiB and sends nothing
    /// costs 4 KiB, and one that trickles bytes costs about twice what it sent (issue 12, item 10).
    /// </summary>
    private void MakeRoom(int needed)
    {
        var buffered = _end - _start;
        if (buffered == 0)
        {
            _start = _end = 0;
            if (_buffer.Length > _retainBytes && needed <= InitialBufferBytes)
            {
                // Idle after one big frame: give the memory back (a daemon holds one reader per client).
                _buffer = new byte[InitialBufferBytes];
            }
        }

        var goal = Math.Min(needed, Math.Max(InitialBufferBytes, buffered * 2));
        if (_buffer.Length - _start >= goal)
        {
            return;
        }

        // Shift what is left to the front, growing towards a big frame step by step and shrinking back after one.
        var target = _buffer.Length < goal || _buffer.Length > Math.Max(InitialBufferBytes, needed) * 4
            ? new byte[goal]
            : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, buffered);
        _buffer = target;
        _start = 0;
        _end = buffered;
    }

    /// <summary>Bytes the reader holds now (tests check that it follows what arrived, not what was promised).</summary>
    internal int BufferBytes => _buffer.Length;
}
