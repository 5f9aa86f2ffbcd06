using UpstartPS.Protocol;

namespace UpstartHost.Control;

/// <summary>
/// How many `log` streams (a tail, and with follow everything after it) one non-root user may have open at
/// once, over all of its connections. Each holds up to <see cref="JobLogTail.MaxTailBytes"/> of log and the
/// log's times while it is sent, so the count is what bounds a user's share in bytes (issue 12, item 8).
/// Root is not limited: administrators' tools must always get their logs.
/// </summary>
public sealed class LogReaderSlots(int perUser = LogReaderSlots.DefaultPerUser)
{
    public const int DefaultPerUser = 8;

    private readonly Dictionary<uint, int> open = [];

    /// <summary>Takes a slot for <paramref name="uid"/>; throws initctl-style when the user has them all. Dispose gives it back.</summary>
    public IDisposable Take(uint uid)
    {
        if (uid == 0)
        {
            return Slot.None;
        }

        lock (open)
        {
            var count = open.GetValueOrDefault(uid);
            if (count >= perUser)
            {
                throw new UpstartException(UpstartErrorCode.BadRequest, $"Too many log streams open for uid {uid} (limit {perUser})");
            }

            open[uid] = count + 1;
        }

        return new Slot(this, uid);
    }

    /// <summary>Streams open now for <paramref name="uid"/>.</summary>
    public int OpenFor(uint uid)
    {
        lock (open)
        {
            return open.GetValueOrDefault(uid);
        }
    }

    private void Give(uint uid)
    {
        lock (open)
        {
            if (--open[uid] == 0)
            {
                open.Remove(uid);
            }
        }
    }

    private sealed class Slot(LogReaderSlots? owner, uint uid) : IDisposable
    {
        public static readonly Slot None = new(null, 0);

        private int given;

        public void Dispose()
        {
            if (owner is not null && Interlocked.Exchange(ref given, 1) == 0)
            {
                owner.Give(uid);
            }
        }
    }
}
