namespace UpstartPS.Protocol.Wire;

/// <summary>
/// Bytes of outgoing frames that exist but have not reached the socket yet, against a limit: one per
/// connection, and one shared by every connection of a user, so a client that sends requests and never
/// reads the answers is dropped before its answers cost more than the limit. Thread-safe, O(1).
/// </summary>
internal sealed class SendBudget
{
    private long _queued;
    private long _peak;

    public SendBudget(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
    }

    public long Limit { get; }

    /// <summary>Bytes held now.</summary>
    public long Queued => Volatile.Read(ref _queued);

    /// <summary>The most ever held at once (tests and diagnostics check the bound with it).</summary>
    public long Peak => Volatile.Read(ref _peak);

    /// <summary>Counts <paramref name="bytes"/> unless that would pass the limit while something else is already held.</summary>
    /// <remarks>A single frame larger than the limit may still go out on its own: one big answer is not a client that does not read.</remarks>
    public bool TryTake(long bytes)
    {
        var total = Interlocked.Add(ref _queued, bytes);
        if (total > Limit && total != bytes)
        {
            Interlocked.Add(ref _queued, -bytes);
            return false;
        }

        NotePeak(total);
        return true;
    }

    public void Give(long bytes) => Interlocked.Add(ref _queued, -bytes);

    private void NotePeak(long total) => AtomicMaximum.Raise(ref _peak, total);
}
