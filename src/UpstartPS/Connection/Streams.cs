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
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = Blocking.Run(_ => enumerator.MoveNextAsync().AsTask(), stopping);
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
            limit.Cancel();
            try
            {
                enumerator.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(1));
            }
            catch (AggregateException)
            {
                // The stream was cancelled; its end is all we wanted.
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
