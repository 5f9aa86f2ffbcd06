using System.Threading.Channels;

namespace UpstartPS.Connection;

/// <summary>
/// Reads the daemon's live streams (events, logs) on the pipeline thread, one item at a time, so each
/// item is written the moment it arrives (never buffered into an array). A time limit ends the stream
/// quietly (-Timeout on Watch-UpstartEvent is not an error); a stop (Ctrl+C) throws
/// OperationCanceledException.
/// </summary>
public static class Streams
{
    public static IEnumerable<T> Read<T>(Func<CancellationToken, IAsyncEnumerable<T>> open, CancellationToken stopping, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            limit.CancelAfter(t);
        }

        var enumerator = open(limit.Token).GetAsyncEnumerator(limit.Token);
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    pending = enumerator.MoveNextAsync().AsTask();
                    more = Blocking.Run(_ => pending, stopping);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested && limit.IsCancellationRequested)
                {
                    more = false;
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
        finally
        {
            // An async iterator refuses to be disposed while a MoveNextAsync is in flight: cancel it, let it
            // finish, then dispose. Failures here are the stream's end, which is all that was wanted.
            limit.Cancel();
            try
            {
                pending?.Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
            }

            if (pending is null || pending.IsCompleted)
            {
                try
                {
                    enumerator.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(2));
                }
                catch (AggregateException)
                {
                }
                catch (NotSupportedException)
                {
                }
            }
        }
    }

    /// <summary>
    /// Interleaves several streams into one, in arrival order (Get-UpstartLog -Wait over several jobs).
    /// The pumps run on the thread pool and only ever write to a channel; a pump's failure is passed on
    /// to the reader, never left unobserved.
    /// </summary>
    public static IAsyncEnumerable<T> Merge<T>(IReadOnlyList<Func<CancellationToken, IAsyncEnumerable<T>>> sources, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = sources.Select(source => Task.Run(async () =>
        {
            await foreach (var item in source(cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken)).ToArray();
        _ = Task.WhenAll(pumps).ContinueWith(
            all => channel.Writer.TryComplete(all.Exception?.InnerException ?? (all.IsCanceled ? new OperationCanceledException(cancellationToken) : null)),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
        return channel.Reader.ReadAllAsync(cancellationToken);
    }
}
