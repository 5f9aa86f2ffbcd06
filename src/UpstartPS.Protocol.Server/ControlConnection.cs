using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// One client connection: credentials, handshake, then a read loop that starts each request on its own
/// and lets responses go out in whatever order they finish. Nothing a client sends can throw out of here.
/// </summary>
internal sealed partial class ControlConnection : IHandoverReader, IDisposable
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    private readonly Socket _socket;
    private readonly IControlHandler _handler;
    private readonly ControlServerOptions _options;
    private readonly ControlAuthorization _authorization;
    private readonly FrameReader _reader;
    private readonly FrameSender _sender;
    private readonly CancellationTokenSource _closing;
    private readonly SendBudget _queued;
    private readonly PeerWarnings _warnings;
    private CancellationTokenSource _idle;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _inFlight = new();
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ClientIdentity _client;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _badRequests;
    private int _running;
    private int _finishing;
    private int _reExecRequested;
    private Task? _handedOverUntil;

    public ControlConnection(
        Socket socket,
        ClientIdentity client,
        IControlHandler handler,
        ControlServerOptions options,
        ControlAuthorization authorization,
        SendBudget? userBudget,
        PeerWarnings warnings,
        CancellationToken serverStopping)
    {
        _warnings = warnings;
        _socket = socket;
        _client = client;
        _handler = handler;
        _options = options;
        _authorization = authorization;
        _reader = new FrameReader(socket, options.MaxRequestBytes);
        _queued = new SendBudget(options.MaxQueuedBytesPerConnection);
        _sender = new FrameSender(socket, options.MaxResponseBytes, options.WriteTimeout, connectionBudget: _queued, userBudget: userBudget);
        _closing = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _idle = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        if (options.InlineCompletions)
        {
            // Where the runtime lacks the switch, this connection's reads go through the pool as any socket's.
            _ = SocketThread.TryPreferInline(socket);
        }
    }

    /// <summary>Bytes of answers waiting to be sent on this connection.</summary>
    internal long QueuedBytes => _queued.Queued;

    internal long PeakQueuedBytes => _queued.Peak;

    /// <summary>Serves the connection until the client leaves, breaks the protocol, or the server stops; never throws.</summary>
    public async Task RunAsync()
    {
        var handover = _options.Handover;
        handover?.ReaderStarted(this);
        var greeted = false;
        try
        {
            if (await HandshakeAsync(_client).ConfigureAwait(false))
            {
                greeted = true;
                await ReadRequestsAsync(_client).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Server stopping.
        }
        catch (FrameException ex)
        {
            await SocketThread.LeaveAsync();
            // The stream cannot be resynchronised: say why (best effort) and hang up.
            await TrySendAsync(ResponseFrame.Failure(0, UpstartErrorCode.BadRequest, ex.Message)).ConfigureAwait(false);
            Log($"Closing connection from {_client}: {ex.Message}", null);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException or IOException)
        {
            await SocketThread.LeaveAsync();
            if (LeftFirst(ex))
            {
                _options.LogRoutine?.Invoke($"Client {_client} left before its answers: {ex.Message}");
            }
            else
            {
                Log($"Connection from {_client} failed: {ex.Message}", null);
            }
        }
        catch (Exception ex)
        {
            await SocketThread.LeaveAsync();
            Log($"Unexpected failure serving {_client}", ex);
        }
        finally
        {
            // The client's close arrives on the socket thread; cancelling runs the in-flight requests' callbacks.
            await SocketThread.LeaveAsync();
            handover?.ReaderEnded(this);
            if (greeted && Volatile.Read(ref _handedOverUntil) is { } abandoned)
            {
                await StayForTheExecAsync(abandoned).ConfigureAwait(false);
            }

            if (_sender.Overflowed)
            {
                Log($"Dropped connection from {_client}: it did not read its answers ({_options.MaxQueuedBytesPerConnection} bytes per connection, {_options.MaxQueuedBytesPerUser} per user may wait)", null);
            }

            await _closing.CancelAsync().ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
            Close();
        }
    }

    /// <summary>
    /// Reading stopped for a re-exec: the requests read before it finish as they would (a stream ends with its
    /// resume point), and the connection stays open until the exec closes it. Closing it here would look to the
    /// client like any closed connection; open, its next request fails to send, which tells it that request
    /// was never read and may go to the next program. If the exec fails, it closes then and the client connects again.
    /// </summary>
    private async Task StayForTheExecAsync(Task abandoned)
    {
        if (Interlocked.Exchange(ref _finishing, 1) == 0 && Volatile.Read(ref _running) != 0)
        {
            await _drained.Task.ConfigureAwait(false);
        }

        try
        {
            await abandoned.WaitAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    bool IHandoverReader.StopReading(Task abandoned)
    {
        if (Volatile.Read(ref _reExecRequested) != 0)
        {
            return false;
        }

        Volatile.Write(ref _handedOverUntil, abandoned);
        try
        {
            // What the client sent before stays readable; its sends from now on fail (EPIPE), and the read loop
            // sees the end once it has read the rest.
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed already: nothing more to read.
        }

        return true;
    }

    /// <summary>Gives cancelled requests a moment to send their last word (ShuttingDown) before the socket closes.</summary>
    private async Task DrainAsync()
    {
        if (Volatile.Read(ref _running) == 0)
        {
            return;
        }

        try
        {
            await _drained.Task.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log($"Closing connection from {_client} with requests that ignored cancellation", null);
        }
    }

    /// <summary>Asks the connection to finish; RunAsync returns soon after.</summary>
    public void Abort()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    private async Task ReadRequestsAsync(ClientIdentity client)
    {
        _idle.CancelAfter(_options.IdleTimeout);
        while (await ReadUnlessIdleAsync(client).ConfigureAwait(false))
        {
            var accepted = Accept(client, out var request, out var operation);
            if (accepted == Accepted.Serve)
            {
                // Anything but a status answered at once may block or take long before its first await (a handler
                // that writes and fsyncs, a list of thousands): not on the socket thread, which serves every socket.
                // The read loop itself moves, so the request still starts before the next one is read.
                await SocketThread.LeaveAsync();
                Serve(client, request!, operation);
            }
            else if (accepted == Accepted.Close)
            {
                Log($"Closing connection from {client}: {_options.MaxConsecutiveBadRequests} malformed requests in a row", null);
                return;
            }
        }
    }

    /// <summary>
    /// The next frame, or false when the client left or has been idle too long: no frame completed within
    /// <see cref="ControlServerOptions.IdleTimeout"/> while nothing of its was in flight. A connection waiting
    /// on a watch or a long start is not idle, and a frame cut short by the timer is resumed (the reader keeps
    /// the bytes it has), so only a silent or trickling client with nothing to wait for is closed.
    /// One timer per connection, armed once per idle period rather than per frame (re-arming it cost a trip
    /// through the runtime's timer queue lock per request, issue 11): when it fires on a connection that has
    /// completed a frame meanwhile, it is armed again for what is left of the period.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadUnlessIdleAsync(ClientIdentity client)
    {
        // Idle is the time spent waiting here for the client, not since its last frame arrived: the daemon's own
        // time before it reads again (a starved pool under load) is not the client's silence. Counting it closed
        // a connection asking every 50 ms as idle for 0.5 s.
        var waitingSince = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return await _reader.ReadAsync(_idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
            {
                var quiet = Stopwatch.GetElapsedTime(waitingSince);
                // Bytes waiting in the socket are the client speaking, however late this read got to them (a starved
                // pool): closing then reset the connection under a request it had sent in time.
                if (quiet >= _options.IdleTimeout && Volatile.Read(ref _running) == 0 && !ClientHasSentMore())
                {
                    Log($"Closing connection from {client}: idle for {_options.IdleTimeout.TotalSeconds:0.#} s", null);
                    return false;
                }

                _idle.Dispose();
                _idle = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                _idle.CancelAfter(quiet < _options.IdleTimeout ? _options.IdleTimeout - quiet : _options.IdleTimeout);
            }
        }
    }

    private bool ClientHasSentMore()
    {
        try
        {
            return _socket.Available > 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void Respond(ResponseFrame response) => _ = TrySendAsync(response);

    private ValueTask SendAsync(ResponseFrame response) => _sender.SendAsync(response, Json.ResponseFrame, _closing.Token);

    /// <summary>
    /// Sends if the connection still can; a failure here only means the client is gone. Not cancelled by
    /// closing, so a last word (ShuttingDown) still goes out; the write timeout bounds it.
    /// </summary>
    private async Task TrySendAsync(ResponseFrame response)
    {
        try
        {
            await _sender.SendAsync(response, Json.ResponseFrame, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException or OperationCanceledException or FrameException)
        {
            Abort();
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request finished meanwhile.
        }
    }

    private void Log(string message, Exception? exception) => _warnings.Warn(_client.Uid, message, exception);

    /// <summary>The peer closed its end first: EPIPE (.NET's Shutdown) on a write, ECONNRESET on a read of a socket it closed unread.</summary>
    private static bool LeftFirst(Exception ex) =>
        (ex as SocketException ?? ex.InnerException as SocketException)?.SocketErrorCode
            is SocketError.Shutdown or SocketError.ConnectionReset or SocketError.ConnectionAborted;

    private void Close()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closed by the peer already.
        }

        _socket.Dispose();
    }

    public void Dispose()
    {
        _idle.Dispose();
        _sender.Dispose();
        _closing.Dispose();
    }
}
