namespace UpstartHost.Engine;

/// <summary>
/// What the next program keeps after a re-exec for the clients that will come back with `await`: each item (a
/// handed-over event, or the wait put in a request's place) with how many awaits may still take it, for a while
/// (a client that never comes back must not keep it for ever). Engine thread only.
/// </summary>
internal sealed class HandedOverAnswers<T>
    where T : class
{
    /// <summary>How long an item is kept for a client that has not come back.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromSeconds(60);

    private readonly List<Entry> _entries = [];

    public void Add(T item, int awaits, TimeSpan now) => _entries.Add(new Entry(item, awaits, now + Kept));

    /// <summary>The first item still kept that <paramref name="matches"/>, counted as taken by one await; null when none.</summary>
    public T? Take(TimeSpan now, Func<T, bool> matches)
    {
        _entries.RemoveAll(e => e.Remaining == 0 || e.KeptUntil <= now);
        foreach (var entry in _entries)
        {
            if (matches(entry.Item))
            {
                entry.Remaining--;
                return entry.Item;
            }
        }

        return null;
    }

    private sealed class Entry(T item, int awaits, TimeSpan keptUntil)
    {
        public T Item { get; } = item;

        public int Remaining { get; set; } = awaits;

        public TimeSpan KeptUntil { get; } = keptUntil;
    }
}
