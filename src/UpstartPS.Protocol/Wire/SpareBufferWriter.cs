namespace UpstartPS.Protocol.Wire;

/// <summary>
/// A growing buffer for serialised frames that hands its big array on to the next big frame. A list of a
/// thousand jobs is a frame of about 300 KiB: with an <see cref="System.Buffers.ArrayBufferWriter{T}"/> growing
/// from 4 KiB, each one allocated about twice that anew, and a monitor polling `list` made the daemon allocate and
/// collect a MiB per poll (docs/performance.md, "A monitor polling list"). Here a released array larger than the
/// first one becomes the process's one spare (up to <see cref="MaxSpareBytes"/>), and a frame that outgrows its
/// first array takes the spare whole, with no steps in between. One spare, not a pool: what stays allocated at
/// rest is the largest recent frame, once (the shared pool kept every size on the way, per thread and per core).
/// Not thread-safe: <see cref="FrameSender"/> uses it under its lock and releases only what no send still reads.
/// </summary>
internal sealed class SpareBufferWriter
    : System.Buffers.IBufferWriter<byte>
{
    /// <summary>The largest array kept as the spare: a one-off frame of many MiB is not held for ever.</summary>
    public const int MaxSpareBytes = 4 * 1024 * 1024;

    private readonly int _initialBytes;
    private readonly Slot _spare;
    private byte[]? _array;
    private int _written;

    /// <param name="initialBytes">The first array's size, allocated for this writer alone.</param>
    /// <param name="spare">Where the spare is kept: the process's own unless a test gives one.</param>
    public SpareBufferWriter(int initialBytes, Slot? spare = null)
    {
        _initialBytes = initialBytes;
        _spare = spare ?? Slot.Process;
    }

    /// <summary>Bytes the current array holds (0 when it has none).</summary>
    public int Capacity => _array?.Length ?? 0;

    public int WrittenCount => _written;

    public Memory<byte> WrittenMemory => _array is null ? Memory<byte>.Empty : _array.AsMemory(0, _written);

    public void ResetWrittenCount() => _written = 0;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > Capacity)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>
    /// Lets go of the array (the next write starts small again); one larger than the first becomes the spare. Only
    /// when nothing reads it any more.
    /// </summary>
    public void Release()
    {
        if (_array is { } array)
        {
            _array = null;
            _written = 0;
            if (array.Length > _initialBytes && array.Length <= MaxSpareBytes)
            {
                Volatile.Write(ref _spare.Array, array);
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_array))]
    private void Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (_array is not null && needed <= _array.Length)
        {
            return;
        }

        byte[] larger;
        if (_array is null && needed <= _initialBytes)
        {
            larger = new byte[_initialBytes];
        }
        else if (Interlocked.Exchange(ref _spare.Array, null) is { } spare && spare.Length >= needed)
        {
            larger = spare;
        }
        else
        {
            larger = new byte[Math.Max(needed, Math.Max(_initialBytes, Capacity * 2))];
        }

        _array?.AsSpan(0, _written).CopyTo(larger);
        _array = larger;
    }

    /// <summary>Holds the one spare array writers hand on to each other.</summary>
    public sealed class Slot
    {
        /// <summary>The process's slot, which every frame sender shares.</summary>
        public static readonly Slot Process = new();

        internal byte[]? Array;
    }
}
