using System.Threading.Channels;
using UpstartHost.Engine;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

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
    private readonly TimeProvider time;
    private long historyHeld;
    private Subscriber[] subscribers = [];

    // Everything published since this program took its instances back after a re-exec (or since it began handing
    // its watchers over), for the watchers of the program before it to come back to without a gap (docs/protocol.md,
    // "Streams"). Kept for ReplayWindow and up to ReplayLimit items / DefaultHistoryBytes, then let go; null when
    // not kept (a daemon that did not re-exec keeps nothing).
    private List<Sized>? replay;
    private long replayHeld;
    private long replayStarted;
    private string? replayLost = "this daemon has not re-executed";

    /// <summary>How long after its start the program takes watchers back from a re-exec.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(60);

    /// <summary>Most notifications kept for watchers coming back; more and they are told what they missed.</summary>
    public const int ReplayLimit = 4096;

    /// <summary>The `resume` a watch ends with at a re-exec; it asks the next program for everything since it started.</summary>
    public const string ResumeToken = "watch1";

    public WatchHub(
        int bufferSize = 1024,
        int historySize = 256,
        long subscriberBytes = DefaultSubscriberBytes,
        long historyBytes = DefaultHistoryBytes,
        int historyEventBytes = DefaultHistoryEventBytes,
        TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
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

            KeepForReplay(item);
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
    public IAsyncEnumerable<EventInfo> SubscribeAsync(bool includeHistory, CancellationToken cancellationToken = default) =>
        SubscribeAsync(includeHistory, resume: false, CancellationToken.None, cancellationToken);

    /// <summary>
    /// As above. With <paramref name="resume"/> (a watcher back from the program before this one) it starts with
    /// everything published since this program started instead of the history, or fails with ResumeFailed when
    /// that is no longer all kept. Once <paramref name="handover"/> fires (this program is about to exec), the stream
    /// sends what is queued and ends by throwing <see cref="StreamHandoverException"/>.
    /// </summary>
    public async IAsyncEnumerable<EventInfo> SubscribeAsync(
        bool includeHistory,
        bool resume,
        CancellationToken handover,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
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
            past = resume ? Replay() : includeHistory ? [.. history.Select(static h => h.Info)] : [];
            subscribers = [.. subscribers, subscriber];
        }

        // The engine publishes nothing while the exec is prepared (it runs on the engine's thread), so what is
        // queued when the handover fires is all this watcher will miss here.
        using var handingOver = handover.Register(static s => ((Subscriber)s!).Channel.Writer.TryComplete(), subscriber);
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

            if (handover.IsCancellationRequested)
            {
                throw new StreamHandoverException(ResumeToken);
            }
        }
        finally
        {
            Remove(subscriber);
        }
    }

    /// <summary>
    /// Starts keeping everything published from now on for watchers that come back: in the new program once it has
    /// taken its instances back (RuntimeState), in the old one as it hands its watchers over (its exec may fail).
    /// </summary>
    public void BeginReplay()
    {
        lock (sync)
        {
            replay = [];
            replayHeld = 0;
            replayLost = null;
            replayStarted = time.GetTimestamp();
        }
    }

    /// <summary>Whether notifications are still being kept for watchers coming back (tests; memory).</summary>
    public bool KeepsReplay
    {
        get
        {
            lock (sync)
            {
                return replay is not null && time.GetElapsedTime(replayStarted) <= ReplayWindow;
            }
        }
    }

    private void KeepForReplay(Sized item)
    {
        if (replay is null)
        {
            return;
        }

        if (time.GetElapsedTime(replayStarted) > ReplayWindow)
        {
            LetGoOfReplay($"a watch comes back only within {ReplayWindow.TotalSeconds:0} s of the daemon's re-exec");
        }
        else if (replay.Count >= ReplayLimit || replayHeld + item.Bytes > historyBytes)
        {
            LetGoOfReplay($"more than {replay.Count} events and state changes happened before the watch came back");
        }
        else
        {
            replay.Add(item);
            replayHeld += item.Bytes;
        }
    }

    private void LetGoOfReplay(string why)
    {
        replay = null;
        replayHeld = 0;
        replayLost = why;
    }

    private EventInfo[] Replay()
    {
        if (replay is null || time.GetElapsedTime(replayStarted) > ReplayWindow)
        {
            throw new UpstartException(
                UpstartErrorCode.ResumeFailed,
                "Cannot carry on watching across the daemon's re-exec without a gap: " + (replay is null ? replayLost : $"a watch comes back only within {ReplayWindow.TotalSeconds:0} s of it"));
        }

        return [.. replay.Select(static r => r.Info)];
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
