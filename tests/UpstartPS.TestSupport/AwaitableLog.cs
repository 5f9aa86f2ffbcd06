namespace UpstartPS.TestSupport;

/// <summary>
/// Items recorded in order, from any thread, that a test can await instead of sleeping: a wait looks at
/// what is already there from a position on, and otherwise wakes at the next addition, until its bound.
/// The engine's notifications and the process layer's notices are both recorded this way.
/// </summary>
public sealed class AwaitableLog<T>
{
    private readonly List<T> items = [];
    private readonly Lock gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count
    {
        get
        {
            lock (gate)
            {
                return items.Count;
            }
        }
    }

    /// <summary>Records one item; may run on a thread that must not block (the engine's), so it only appends and wakes.</summary>
    public void Add(T item)
    {
        TaskCompletionSource previous;
        lock (gate)
        {
            items.Add(item);
            previous = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    public IReadOnlyList<T> Since(int position)
    {
        lock (gate)
        {
            return items.Skip(position).ToList();
        }
    }

    /// <summary>
    /// The first item from <paramref name="position"/> on that matches, waited for up to <paramref name="timeout"/>;
    /// on timeout, a <see cref="TimeoutException"/> whose message is <paramref name="describeFailure"/> of what came.
    /// </summary>
    public async Task<T> WaitFor(Func<T, bool> match, int position, TimeSpan timeout, Func<IReadOnlyList<T>, string> describeFailure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task next;
            lock (gate)
            {
                for (var i = position; i < items.Count; i++)
                {
                    if (match(items[i]))
                    {
                        return items[i];
                    }
                }

                next = changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(describeFailure(Since(position)));
            }

            await Task.WhenAny(next, Task.Delay(left)).ConfigureAwait(false);
        }
    }
}
