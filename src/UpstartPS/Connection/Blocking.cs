namespace UpstartPS.Connection;

/// <summary>
/// Waits for a daemon call on the calling (pipeline) thread. Cmdlets may only write output from that
/// thread, so async work is awaited here in slices: each slice ends in a heartbeat (Service.cs writes
/// "Waiting for service … to start" every 2 s) and Ctrl+C, which cancels <c>stopping</c>, is seen at once.
/// A timeout surfaces as TimeoutException, a stop as OperationCanceledException.
/// </summary>
public static class Blocking
{
    public static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    public static T Run<T>(
        Func<CancellationToken, Task<T>> operation,
        CancellationToken stopping,
        TimeSpan? timeout = null,
        Action? heartbeat = null)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            limit.CancelAfter(t);
        }

        var task = operation(limit.Token);
        try
        {
            while (!task.Wait(Slice, stopping))
            {
                heartbeat?.Invoke();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The pipeline is stopping; the operation sees the same token and ends on its own.
            ObserveLater(task);
            throw;
        }
        catch (AggregateException)
        {
            // Unwrapped below.
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested && limit.IsCancellationRequested)
        {
            throw new TimeoutException($"The operation did not finish within {timeout!.Value.TotalSeconds:0.###} seconds.");
        }
    }

    public static void Run(Func<CancellationToken, Task> operation, CancellationToken stopping, TimeSpan? timeout = null, Action? heartbeat = null) =>
        Run(async ct =>
        {
            await operation(ct).ConfigureAwait(false);
            return true;
        }, stopping, timeout, heartbeat);

    // An abandoned task's exception must never surface as UnobservedTaskException in the host.
    private static void ObserveLater(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
