namespace UpstartPS.Protocol.Server;

/// <summary>
/// Open streams (a followed log, a watch) handed over to the daemon's next program at a re-exec, so that a
/// `log -f` or a Watch-UpstartEvent carries on across `systemctl reload` or a package upgrade instead of
/// ending with a closed connection. <see cref="HandOver"/> fires <see cref="Token"/>; each stream watching it
/// sends what it has, then throws <see cref="StreamHandoverException"/> with where it stood, which the
/// connection sends as the stream's `end` frame with `resume`. Meanwhile the server closes new connections
/// at once, so a client coming back reaches the next program, never this one (docs/protocol.md, "Streams").
/// </summary>
public sealed class StreamHandover : IDisposable
{
    private readonly object sync = new();
    private CancellationTokenSource requested = new();
    private TaskCompletionSource? drained;
    private int open;

    /// <summary>Fired when the streams are to end and say where they stood; a new token after <see cref="Abandon"/>.</summary>
    public CancellationToken Token
    {
        get
        {
            lock (sync)
            {
                return requested.Token;
            }
        }
    }

    /// <summary>Between <see cref="HandOver"/> and <see cref="Abandon"/>: new connections are closed at once.</summary>
    public bool InProgress { get; private set; }

    /// <summary>Stream requests being served now.</summary>
    public int OpenStreams
    {
        get
        {
            lock (sync)
            {
                return open;
            }
        }
    }

    /// <summary>
    /// Asks every open stream to end with its resume point and waits, up to <paramref name="bound"/>, until
    /// each has sent its `end` frame. False when some had not (a client that stopped reading): those connections
    /// just close, as any would at an exec.
    /// </summary>
    public bool HandOver(TimeSpan bound)
    {
        CancellationTokenSource toFire;
        Task done;
        lock (sync)
        {
            InProgress = true;
            drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open == 0)
            {
                drained.TrySetResult();
            }

            done = drained.Task;
            toFire = requested;
        }

        toFire.Cancel();
        return done.Wait(bound);
    }

    /// <summary>The re-exec failed and this program carries on: new connections are served again, new streams get a fresh token.</summary>
    public void Abandon()
    {
        lock (sync)
        {
            InProgress = false;
            drained = null;
            // The fired source is not disposed: streams that saw its token may still hold registrations on it.
            requested = new CancellationTokenSource();
        }
    }

    public void Dispose()
    {
        lock (sync)
        {
            requested.Dispose();
        }
    }

    internal void StreamStarted()
    {
        lock (sync)
        {
            open++;
        }
    }

    internal void StreamEnded()
    {
        lock (sync)
        {
            if (--open == 0)
            {
                drained?.TrySetResult();
            }
        }
    }
}

/// <summary>Thrown by a stream that has sent all it had because of <see cref="StreamHandover.Token"/>; ends it with `resume`.</summary>
public sealed class StreamHandoverException : Exception
{
    public StreamHandoverException()
        : this("")
    {
    }

    public StreamHandoverException(string resume)
        : base("The stream was handed over to the daemon's next program") => Resume = resume;

    public StreamHandoverException(string message, Exception inner)
        : base(message, inner) => Resume = "";

    /// <summary>What the client sends back as the request's `resume` to carry on from here.</summary>
    public string Resume { get; }
}
