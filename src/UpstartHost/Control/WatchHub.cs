using System.Threading.Channels;
using UpstartHost.Engine;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>
/// Fans engine notifications out to watch streams. The engine raises <see cref="Publish"/> on its own
/// thread and must never wait: each subscriber has a queue bounded in items and in bytes, and a subscriber
/// whose queue is full is dropped (its stream ends with <see cref="WatchOverflowException"/>) rather than
/// slowing the engine. A ring of recent events serves `watch --history`, bounded in count and in bytes, so
/// events with huge values cannot pin memory (issue 12, item 12: 600 emits of 1 MB kept 1.5 GB).
/// </summary>
public sealed class WatchHub
{
    /// <summary>Bytes of notifications one watcher may have waiting before it is dropped.</summary>
    public const long DefaultSubscriberBytes = 4L * 1024 * 1024;

    /// <summary>Bytes the history may hold; the oldest events go first.</summary>
    public const long DefaultHistoryBytes = 4L * 1024 * 1024;

    /// <summary>Largest event the history keeps; a bigger one still reaches live watchers.</summary>
    public const int DefaultHistoryEventBytes = 64 * 1024;

    private readonly int bufferSize;
    private readonly int historySize;
    private readonly long subscriberBytes;
    private readonly long historyBytes;
    private readonly int historyEventBytes;
    private readonly Lock sync = new();
    private readonly Queue<Sized> history = new();
    private long historyHeld;
    private Subscriber[] subscribers = [];

    public WatchHub(
        int bufferSize = 1024,
        int historySize = 256,
        long subscriberBytes = DefaultSubscriberBytes,
        long historyBytes = DefaultHistoryBytes,
        int historyEventBytes = DefaultHistoryEventBytes)
    {
        this.bufferSize = bufferSize;
        this.historySize = historySize;
        this.subscriberBytes = subscriberBytes;
        this.historyBytes = historyBytes;
        this.historyEventBytes = historyEventBytes;
    }

    public int SubscriberCount => Volatile.Read(ref subscribers).Length;

    /// <summary>Bytes the history holds now, as <see cref="SizeOf"/> counts them.</summary>
    public long HistoryBytes
    {
        get
        {
            lock (sync)
            {
                return historyHeld;
            }
        }
    }

    /// <summary>Called by the engine for every notification; O(subscribers + the event's size), never blocks.</summary>
    public void Publish(EngineNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var item = new Sized(ToInfo(notification), SizeOf(notification));
        Subscriber[] current;
        lock (sync)
        {
            if (notification.Kind == NotificationKind.Event && item.Bytes <= historyEventBytes)
            {
                history.Enqueue(item);
                historyHeld += item.Bytes;
                while (history.Count > historySize || historyHeld > historyBytes)
                {
                    historyHeld -= history.Dequeue().Bytes;
                }
            }

            current = subscribers;
        }

        foreach (var subscriber in current)
        {
            if (!subscriber.TryWrite(item, subscriberBytes))
            {
                subscriber.Channel.Writer.TryComplete(new WatchOverflowException());
                Remove(subscriber);
            }
        }
    }

    /// <summary>A stream of notifications until cancelled (or until the client fell too far behind).</summary>
    public async IAsyncEnumerable<EventInfo> SubscribeAsync(bool includeHistory, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var subscriber = new Subscriber(Channel.CreateBounded<Sized>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        EventInfo[] past;
        lock (sync)
        {
            past = includeHistory ? [.. history.Select(static h => h.Info)] : [];
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
                subscriber.Taken(item);
                yield return item.Info;
            }
        }
        finally
        {
            Remove(subscriber);
        }
    }

    /// <summary>
    /// What a notification costs to hold: its strings (UTF-16) and a fixed share for the objects around them.
    /// An estimate, but one that grows with everything a client can make large (names, environment values).
    /// </summary>
    public static int SizeOf(EngineNotification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        long bytes = 256 + (2L * ((n.Name?.Length ?? 0) + (n.Job?.Length ?? 0) + (n.Instance?.Length ?? 0)));
        foreach (var entry in n.Environment)
        {
            bytes += 32 + (2L * entry.Length);
        }

        return (int)Math.Min(bytes, int.MaxValue);
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

    private readonly record struct Sized(EventInfo Info, int Bytes);

    private sealed class Subscriber(Channel<Sized> channel)
    {
        private long queued;

        public Channel<Sized> Channel { get; } = channel;

        /// <summary>Queues unless that would pass the byte bound (one item always fits an empty queue).</summary>
        public bool TryWrite(Sized item, long limit)
        {
            var total = Interlocked.Add(ref queued, item.Bytes);
            if ((total > limit && total != item.Bytes) || !Channel.Writer.TryWrite(item))
            {
                Interlocked.Add(ref queued, -item.Bytes);
                return false;
            }

            return true;
        }

        public void Taken(Sized item) => Interlocked.Add(ref queued, -item.Bytes);
    }
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
