using System.Threading.Channels;
using UpstartHost.Engine;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>
/// Fans engine notifications out to watch streams. The engine raises <see cref="Publish"/> on its own
/// thread and must never wait: each subscriber has a bounded queue, and a subscriber whose queue is
/// full is dropped (its stream ends with <see cref="WatchOverflowException"/>) rather than slowing the
/// engine. A ring of recent events serves `watch --history`.
/// </summary>
public sealed class WatchHub
{
    private readonly int bufferSize;
    private readonly int historySize;
    private readonly Lock sync = new();
    private readonly Queue<EventInfo> history = new();
    private Subscriber[] subscribers = [];

    public WatchHub(int bufferSize = 1024, int historySize = 256)
    {
        this.bufferSize = bufferSize;
        this.historySize = historySize;
    }

    public int SubscriberCount => Volatile.Read(ref subscribers).Length;

    /// <summary>Called by the engine for every notification; O(subscribers), never blocks.</summary>
    public void Publish(EngineNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var info = ToInfo(notification);
        Subscriber[] current;
        lock (sync)
        {
            if (notification.Kind == NotificationKind.Event)
            {
                history.Enqueue(info);
                if (history.Count > historySize)
                {
                    history.Dequeue();
                }
            }

            current = subscribers;
        }

        foreach (var subscriber in current)
        {
            if (!subscriber.Channel.Writer.TryWrite(info))
            {
                subscriber.Channel.Writer.TryComplete(new WatchOverflowException());
                Remove(subscriber);
            }
        }
    }

    /// <summary>A stream of notifications until cancelled (or until the client fell too far behind).</summary>
    public async IAsyncEnumerable<EventInfo> SubscribeAsync(bool includeHistory, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var subscriber = new Subscriber(Channel.CreateBounded<EventInfo>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        EventInfo[] past;
        lock (sync)
        {
            past = includeHistory ? [.. history] : [];
            subscribers = [.. subscribers, subscriber];
        }

        try
        {
            foreach (var item in past)
            {
                yield return item;
            }

            await foreach (var item in subscriber.Channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            Remove(subscriber);
        }
    }

    /// <summary>The wire's words: kind event, goal or state; goal and state as `initctl status` prints them.</summary>
    public static EventInfo ToInfo(EngineNotification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new EventInfo
        {
            Time = n.Time,
            Kind = n.Kind switch
            {
                NotificationKind.Event => "event",
                NotificationKind.Goal => "goal",
                _ => "state",
            },
            Name = n.Name,
            Environment = n.Environment,
            Job = n.Job,
            Instance = n.Instance,
            Goal = n.Goal?.ToUpstartName(),
            State = n.State?.ToUpstartName(),
        };
    }

    private void Remove(Subscriber subscriber)
    {
        lock (sync)
        {
            subscribers = [.. subscribers.Where(s => s != subscriber)];
        }
    }

    private sealed record Subscriber(Channel<EventInfo> Channel);
}

/// <summary>The watch client did not read fast enough and was dropped so the engine never waits for it.</summary>
public sealed class WatchOverflowException : Exception
{
    public WatchOverflowException()
        : base("watch client too slow: dropped")
    {
    }

    public WatchOverflowException(string message)
        : base(message)
    {
    }

    public WatchOverflowException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
