namespace UpstartPS.Protocol.Server;

/// <summary>
/// Open streams (a followed log, a watch) handed over to the daemon's next program at a re-exec, so that a
/// `log -f` or a Watch-UpstartEvent carries on across `systemctl reload` or a package upgrade instead of
/// ending with a closed connection. <see cref="HandOver"/> fires <see cref="Token"/>; each stream watching it
/// sends what it has, then throws <see cref="StreamHandoverException"/> with where it stood, which the
/// connection sends as the stream's `end` frame with `resume`. Every connection stops reading after what its
/// client has sent (<see cref="IHandoverReader"/>), so no request is read too late to be answered before the
/// exec; and the server accepts no new connection, so a client coming back waits in the listening socket's
/// backlog for the next program, which inherits it (docs/protocol.md, "Requests and streams across a re-exec").
/// </summary>
public sealed class StreamHandover : IDisposable
{
    private readonly object sync = new();
    private readonly HashSet<IHandoverReader> reading = [];
    private readonly HashSet<IHandoverReader> stopped = [];
    private CancellationTokenSource requested = new();
    private CancellationTokenSource stopTaking = new();
    private TaskCompletionSource? drained;
    private TaskCompletionSource abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Phase phase;
    private int open;
    private int requests;

    private enum Phase
    {
        /// <summary>Serving as usual.</summary>
        None,

        /// <summary>Reading stopped: the requests already read are being answered.</summary>
        Stopping,

        /// <summary>The streams are ending with their resume points.</summary>
        HandingOver,
    }

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

    /// <summary>Fired when the first step begins: the server stops accepting (a new token after <see cref="Abandon"/>).</summary>
    internal CancellationToken StopTakingToken
    {
        get
        {
            lock (sync)
            {
                return stopTaking.Token;
            }
        }
    }

    /// <summary>From <see cref="StopTakingRequests"/> (or <see cref="HandOver"/>) to <see cref="Abandon"/>: new connections wait in the listening socket's backlog.</summary>
    public bool InProgress
    {
        get
        {
            lock (sync)
            {
                return phase != Phase.None;
            }
        }
    }

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
    /// The first step, while the daemon still runs as usual: stops every connection reading (but the one that asked
    /// for the re-exec) after what its client has sent, and accepting new ones, then waits, up to
    /// <paramref name="bound"/>, until each connection has read all that and every request other than a stream has
    /// been answered; a start/stop/restart/emit that waits, only until the handler has it (its change is made: the
    /// second step ends it with `resume`, and its client awaits the rest from the next program). So a request is
    /// either read and answered by this program, or fails to send: its client knows it was never read and can send
    /// it to the next program. False when the bound passed first (a handler slow to answer): those requests are cut
    /// by the exec, as any would be.
    /// </summary>
    public bool StopTakingRequests(TimeSpan bound)
    {
        var deadline = Deadline(bound);
        IHandoverReader[] toStop;
        Task until;
        CancellationTokenSource toFire;
        lock (sync)
        {
            if (phase != Phase.None)
            {
                throw new InvalidOperationException("A handover is already under way");
            }

            phase = Phase.Stopping;
            toStop = [.. reading];
            stopped.UnionWith(toStop);
            until = abandoned.Task;
            toFire = stopTaking;
        }

        toFire.Cancel();

        foreach (var reader in toStop)
        {
            Stop(reader, until);
        }

        return WaitUntilDrained(deadline);
    }

    /// <summary>
    /// The second step, once nothing more will be written to the logs or published: asks every open stream to end
    /// with its resume point and waits, up to <paramref name="bound"/>, until each has sent its `end` frame (those
    /// begun meanwhile on the connection that asked for the re-exec included). Takes the first step before, when
    /// it has not been taken. False when the bound passed first (a client that stopped reading): those
    /// connections just close, as any would at an exec.
    /// </summary>
    public bool HandOver(TimeSpan bound)
    {
        var deadline = Deadline(bound);
        var stoppedInTime = true;
        if (!InProgress)
        {
            stoppedInTime = StopTakingRequests(bound);
        }

        CancellationTokenSource toFire;
        lock (sync)
        {
            phase = Phase.HandingOver;
            toFire = requested;
        }

        toFire.Cancel();
        return WaitUntilDrained(deadline) && stoppedInTime;
    }

    /// <summary>The re-exec failed and this program carries on: connections are accepted again, new streams get a fresh token.</summary>
    public void Abandon()
    {
        TaskCompletionSource released;
        lock (sync)
        {
            if (phase == Phase.None)
            {
                return;
            }

            phase = Phase.None;
            drained = null;
            stopped.Clear();
            // The fired source is not disposed: streams that saw its token may still hold registrations on it.
            requested = new CancellationTokenSource();
            stopTaking = new CancellationTokenSource();
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
            stopTaking.Dispose();
        }
    }

    /// <summary>Completes when the handover under way is abandoned (the exec failed); completed already when none is.</summary>
    internal Task UntilAbandoned()
    {
        lock (sync)
        {
            return phase != Phase.None ? abandoned.Task : Task.CompletedTask;
        }
    }

    /// <summary>A connection begins reading requests; stopped at once when a handover is under way.</summary>
    internal void ReaderStarted(IHandoverReader reader)
    {
        Task? until = null;
        lock (sync)
        {
            reading.Add(reader);
            if (phase != Phase.None)
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

    /// <summary>A request other than a stream (and than the re-exec itself) is being served.</summary>
    internal void RequestStarted()
    {
        lock (sync)
        {
            requests++;
        }
    }

    internal void RequestEnded()
    {
        lock (sync)
        {
            requests--;
            CheckDrained();
        }
    }

    private static long Deadline(TimeSpan bound) => Environment.TickCount64 + (long)bound.TotalMilliseconds;

    private bool WaitUntilDrained(long deadline)
    {
        Task done;
        lock (sync)
        {
            drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            CheckDrained();
            done = drained.Task;
        }

        while (true)
        {
            if (!done.Wait(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))))
            {
                return false;
            }

            lock (sync)
            {
                if (IsDrained())
                {
                    return true;
                }

                // Something began after the last thing ended (the connection that asked for the re-exec reads on).
                drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done = drained.Task;
            }
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

    /// <summary>
    /// Every stopped connection has read all its client sent, and what the step waits for is done: the answers to
    /// requests read before (the first step; the engine still runs) or the streams' ends (the second; the engine
    /// is busy with the exec, so a request waiting on it cannot be waited for).
    /// </summary>
    private bool IsDrained() =>
        stopped.Count == 0 && (phase == Phase.HandingOver ? open == 0 : requests == 0);

    private void CheckDrained()
    {
        if (IsDrained())
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
