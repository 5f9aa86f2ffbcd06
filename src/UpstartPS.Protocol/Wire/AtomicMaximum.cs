namespace UpstartPS.Protocol.Wire;

/// <summary>A high-water mark that several threads raise without a lock (peaks of queued bytes).</summary>
internal static class AtomicMaximum
{
    /// <summary>Sets <paramref name="location"/> to <paramref name="value"/> if that is larger; lock-free.</summary>
    public static void Raise(ref long location, long value)
    {
        var seen = Volatile.Read(ref location);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref location, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
