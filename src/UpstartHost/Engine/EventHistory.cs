namespace UpstartHost.Engine;

/// <summary>
/// The last N event notifications, oldest first (beyond Upstart: events are not stored there, so a watcher
/// that connects late sees nothing; DESIGN.md "a recent-event history"). Engine thread only.
/// </summary>
internal sealed class EventHistory(int capacity)
{
    private readonly Queue<EngineNotification> _items = new();

    public int Capacity { get; } = Math.Max(1, capacity);

    public void Add(EngineNotification notification)
    {
        if (_items.Count == Capacity)
        {
            _items.Dequeue();
        }

        _items.Enqueue(notification);
    }

    public IReadOnlyList<EngineNotification> Snapshot() => [.. _items];
}
