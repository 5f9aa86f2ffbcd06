namespace UpstartHost.Engine;

/// <summary>
/// StopAll's state: once begun, nothing new starts, and the callers waiting are answered when the last
/// instance has gone (DESIGN.md decision 7 keeps jobs running on a plain daemon exit; this is the
/// explicit stop of everything). Engine thread only.
/// </summary>
internal sealed class Shutdown
{
    private readonly List<TaskCompletionSource> _waiters = [];

    public bool Begun { get; private set; }

    /// <summary>Marks the shutdown begun and returns a task completed by <see cref="Complete"/>.</summary>
    public Task Begin()
    {
        Begun = true;
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add(waiter);
        return waiter.Task;
    }

    /// <summary>Someone waits for the last instance to go.</summary>
    public bool Awaited => _waiters.Count > 0;

    /// <summary>No instance is left: answers the waiters.</summary>
    public void Complete()
    {
        foreach (var w in _waiters)
        {
            w.TrySetResult();
        }

        _waiters.Clear();
    }
}
