namespace UpstartPS.Protocol.Server;

/// <summary>
/// Open streams (a followed log, a watch) handed over to the daemon's next program at a re-exec, so that a
/// `log -f` or a Watch-UpstartEvent carries on across `systemctl reload` or a package upgrade instead of
/// ending with a closed connection. <see cref="HandOver"/> fires <see cref="Token"/>; each stream watching it
/// sends what it has, then throws <see cref="StreamHandoverException"/> with where it stood, which the
/// connection sends as the stream's `end` frame with `resume`. Every connection stops reading after what its
/// client has sent (<see cref="IHandoverReader"/>), so no request is read too late to be answered before the
/// exec; and the server closes new connections at once, so a client coming back reaches the next program,
/// never this one (docs/protocol.md, "Streams across a re-exec").
/// </summary>
public sealed class StreamHandover : IDisposable
{
    private readonly object sync = new();
    private readonly HashSet<IHandoverReader> reading = [];
    private readonly HashSet<IHandoverReader> stopped = [];
    private CancellationTokenSource requested = new();
    private TaskCompletionSource? drained;
    private TaskCompletionSource abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    /// Stops every connection reading (but the one that asked for the re-exec), asks every open stream to end
    /// with its resume point, and waits, up to <paramref name="bound"/>, until each connection has read what its
    /// client had sent before and every stream, those it started meanwhile included, has sent its `end` frame.
    /// So a request is either read by this program and answered, or fails to send: the client knows it was never
    /// read and can send it to the next program (the exec closes the connections with nothing in them).
    /// False when the bound passed first (a client that stopped reading): those connections just close, as any
    /// would at an exec.
    /// </summary>
    public bool HandOver(TimeSpan bound)
    {
        var deadline = Environment.TickCount64 + (long)bound.TotalMilliseconds;
        IHandoverReader[] toStop;
        Task until;
        CancellationTokenSource toFire;
        Task done;
        lock (sync)
        {
            InProgress = true;
            drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            toStop = [.. reading];
            stopped.UnionWith(toStop);
            until = abandoned.Task;
            toFire = requested;
            done = drained.Task;
        }

        foreach (var reader in toStop)
        {
            Stop(reader, until);
        }

        toFire.Cancel();
        lock (sync)
        {
            CheckDrained();
        }

        while (true)
        {
            if (!done.Wait(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))))
            {
                return false;
            }

            lock (sync)
            {
                if (open == 0 && stopped.Count == 0)
                {
                    return true;
                }

                // A stream began after the last one ended (the connection that asked for the re-exec reads on).
                drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done = drained.Task;
            }
        }
    }

    /// <summary>The re-exec failed and this program carries on: new connections are served again, new streams get a fresh token.</summary>
    public void Abandon()
    {
        TaskCompletionSource released;
        lock (sync)
        {
            InProgress = false;
            drained = null;
            stopped.Clear();
            // The fired source is not disposed: streams that saw its token may still hold registrations on it.
            requested = new CancellationTokenSource();
            released = abandoned;
            abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // The connections that stopped reading close now; their clients connect again.
        released.TrySetResult();
    }

    public void Dispose()
    {
        lock (sync)
        {
            requested.Dispose();
        }
    }

    /// <summary>A connection begins reading requests; stopped at once when a handover is under way.</summary>
    internal void ReaderStarted(IHandoverReader reader)
    {
        Task? until = null;
        lock (sync)
        {
            reading.Add(reader);
            if (InProgress)
            {
                stopped.Add(reader);
                until = abandoned.Task;
            }
        }

        if (until is not null)
        {
            Stop(reader, until);
        }
    }

    /// <summary>A connection reads no more: its client left, or it has read all that was sent before it was stopped.</summary>
    internal void ReaderEnded(IHandoverReader reader)
    {
        lock (sync)
        {
            reading.Remove(reader);
            stopped.Remove(reader);
            CheckDrained();
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
            open--;
            CheckDrained();
        }
    }

    private void Stop(IHandoverReader reader, Task until)
    {
        if (reader.StopReading(until))
        {
            return;
        }

        // The connection that asked for the re-exec: its client waits on it for the exec, or to hear it failed.
        lock (sync)
        {
            stopped.Remove(reader);
            CheckDrained();
        }
    }

    private void CheckDrained()
    {
        if (open == 0 && stopped.Count == 0)
        {
            drained?.TrySetResult();
        }
    }
}

/// <summary>A connection as a handover sees it: one that reads requests until told to stop.</summary>
internal interface IHandoverReader
{
    /// <summary>
    /// Reads what its client has sent so far and nothing after (the client's further sends fail), then stays open
    /// for its answers until the exec, or <paramref name="abandoned"/>. False for the connection that asked for
    /// the re-exec, which reads on.
    /// </summary>
    bool StopReading(Task abandoned);
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
