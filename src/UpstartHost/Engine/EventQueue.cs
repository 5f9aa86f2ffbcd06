namespace UpstartHost.Engine;

/// <summary>
/// The events not yet finished, in the order they were emitted (Upstart's events list). Engine thread only.
/// </summary>
internal sealed class EventQueue
{
    private readonly List<EngineEvent> _events = [];
    private long _lastId;

    /// <summary>Every change of any event's holds (<see cref="EngineEvent.Changes"/>).</summary>
    public HoldChanges HoldChanges { get; } = new();

    /// <summary>Raised for every event as it is queued (tests and the conformance runner watch job events).</summary>
    public event Action<EngineEvent>? Queued;

    /// <summary>Events not yet finished (pending or being handled).</summary>
    public int LiveCount => _events.Count;

    /// <summary>The events not yet finished, oldest first.</summary>
    public IReadOnlyList<EngineEvent> Live => _events;

    public EngineEvent Emit(string name, IReadOnlyList<string> environment)
    {
        var e = new EngineEvent(name, environment) { Id = ++_lastId, Changes = HoldChanges };
        _events.Add(e);
        Queued?.Invoke(e);
        return e;
    }

    /// <summary>
    /// Puts back an event an earlier program had not finished (a re-exec), behind those already here; events emitted
    /// from now on are numbered after it.
    /// </summary>
    public void Resume(EngineEvent e)
    {
        e.Changes = HoldChanges;
        _events.Add(e);
        _lastId = Math.Max(_lastId, e.Id);
    }

    /// <summary>
    /// Upstart's event_poll: handles pending events and finishes those nothing blocks any more, in queue
    /// order, until a pass changes nothing. Events emitted meanwhile are handled in the same call.
    /// </summary>
    public void Poll(Action<EngineEvent> handle, Action<EngineEvent> finish)
    {
        bool again;
        do
        {
            again = false;
            for (var i = 0; i < _events.Count; i++)
            {
                var e = _events[i];
                switch (e.Progress)
                {
                    case EventProgress.Pending:
                        handle(e);
                        again = true;
                        break;
                    case EventProgress.Handling when e.Blockers == 0:
                        finish(e);
                        again = true;
                        break;
                }
            }

            if (again)
            {
                _events.RemoveAll(e => e.Progress == EventProgress.Finished);
            }
        }
        while (again);
    }
}
