using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// One client connection: credentials, handshake, then a read loop that starts each request on its own
/// and lets responses go out in whatever order they finish. Nothing a client sends can throw out of here.
/// </summary>
internal sealed partial class ControlConnection : IDisposable
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
    private CancellationTokenSource _idle;
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _inFlight = new();
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ClientIdentity _client;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _badRequests;
    private int _running;
    private long _lastFrame;

    public ControlConnection(
        Socket socket,
        ClientIdentity client,
        IControlHandler handler,
        ControlServerOptions options,
        ControlAuthorization authorization,
        SendBudget? userBudget,
        CancellationToken serverStopping)
    {
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
    }

    /// <summary>Bytes of answers waiting to be sent on this connection.</summary>
    internal long QueuedBytes => _queued.Queued;

    internal long PeakQueuedBytes => _queued.Peak;

    /// <summary>Serves the connection until the client leaves, breaks the protocol, or the server stops; never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (await HandshakeAsync(_client).ConfigureAwait(false))
            {
                await ReadRequestsAsync(_client).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Server stopping.
        }
        catch (FrameException ex)
        {
            // The stream cannot be resynchronised: say why (best effort) and hang up.
            await TrySendAsync(ResponseFrame.Failure(0, UpstartErrorCode.BadRequest, ex.Message)).ConfigureAwait(false);
            Log($"Closing connection from {_client}: {ex.Message}", null);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException or IOException)
        {
            Log($"Connection from {_client} failed: {ex.Message}", null);
        }
        catch (Exception ex)
        {
            Log($"Unexpected failure serving {_client}", ex);
        }
        finally
        {
            if (_sender.Overflowed)
            {
                Log($"Dropped connection from {_client}: it did not read its answers ({_options.MaxQueuedBytesPerConnection} bytes per connection, {_options.MaxQueuedBytesPerUser} per user may wait)", null);
            }

            await _closing.CancelAsync().ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
            Close();
        }
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
        _lastFrame = Stopwatch.GetTimestamp();
        _idle.CancelAfter(_options.IdleTimeout);
        while (await ReadUnlessIdleAsync(client).ConfigureAwait(false))
        {
            if (!Accept(client))
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
        while (true)
        {
            try
            {
                var read = await _reader.ReadAsync(_idle.Token).ConfigureAwait(false);
                _lastFrame = Stopwatch.GetTimestamp();
                return read;
            }
            catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
            {
                var quiet = Stopwatch.GetElapsedTime(_lastFrame);
                if (quiet >= _options.IdleTimeout && Volatile.Read(ref _running) == 0)
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

    /// <summary>Handles one frame on the read loop; false when the client has sent too much garbage to keep.</summary>
    private bool Accept(ClientIdentity client)
    {
        RequestFrame? request;
        try
        {
            request = JsonSerializer.Deserialize(_reader.Current.Span, Json.RequestFrame);
        }
        catch (JsonException ex)
        {
            return Reject(FindId(_reader.Current.Span), UpstartErrorCode.BadRequest, "Malformed request: " + ex.Message);
        }

        if (request is null || request.Id <= 0)
        {
            return Reject(0, UpstartErrorCode.BadRequest, "Malformed request: a positive id is required");
        }

        if (request.Op == Operations.Cancel)
        {
            if (_inFlight.TryGetValue(request.Id, out var running))
            {
                CancelQuietly(running);
            }

            _badRequests = 0;
            return true;
        }

        if (!ControlOperations.TryParse(request, out var operation))
        {
            return Reject(request.Id, UpstartErrorCode.BadRequest, $"Unknown operation: {Truncate(request.Op)}");
        }

        try
        {
            RequestDispatcher.Validate(request, operation);
        }
        catch (UpstartException ex)
        {
            return Reject(request.Id, ex.Code, ex.Message);
        }

        _badRequests = 0;
        if (_authorization.Refuse(client, operation) is { } refusal)
        {
            Respond(ResponseFrame.Failure(request.Id, UpstartErrorCode.AccessDenied, refusal));
            return true;
        }

        if (TryAnswerNow(client, request, operation))
        {
            return true;
        }

        if (_inFlight.Count >= _options.MaxRequestsInFlight)
        {
            Respond(ResponseFrame.Failure(request.Id, UpstartErrorCode.BadRequest, $"Too many requests in flight (limit {_options.MaxRequestsInFlight})"));
            return true;
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        if (!_inFlight.TryAdd(request.Id, cancellation))
        {
            cancellation.Dispose();
            Respond(ResponseFrame.Failure(request.Id, UpstartErrorCode.BadRequest, $"Request id {request.Id} is already in flight"));
            return true;
        }

        // Runs synchronously up to the handler's first await, then continues on its own: a slow request
        // does not hold up the next one on this connection.
        Interlocked.Increment(ref _running);
        _ = ServeAsync(client, request, operation, cancellation);
        return true;
    }

    /// <summary>
    /// status and list that the handler can answer at once (the daemon: from the engine's published status) are
    /// answered here on the read loop: no cancellation source, no in-flight entry, no task per request (issue 11).
    /// False for anything else, which <see cref="ServeAsync"/> serves; also for an id already in flight, which
    /// the ordinary path refuses.
    /// </summary>
    private bool TryAnswerNow(ClientIdentity client, RequestFrame request, ControlOperation operation)
    {
        if (operation is not (ControlOperation.Status or ControlOperation.List) || _inFlight.ContainsKey(request.Id))
        {
            return false;
        }

        IReadOnlyList<JobInfo>? jobs;
        try
        {
            jobs = operation == ControlOperation.Status
                ? _handler.TryStatusNow(client, request.Job!, request.Instance)
                : _handler.TryListNow(client);
        }
        catch (UpstartException ex)
        {
            Respond(ResponseFrame.Failure(request.Id, ex.Code, ex.Message, ex.CheckFailure));
            return true;
        }
#pragma warning disable CA1031 // As in ServeAsync: a handler's bug is the client's internal error, not the connection's end.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log($"{request.Op} from {client} failed", ex);
            Respond(ResponseFrame.Failure(request.Id, UpstartErrorCode.Unknown, $"Internal error in {request.Op}: {ex.Message}"));
            return true;
        }

        if (jobs is null)
        {
            return false;
        }

        Respond(new ResponseFrame { Id = request.Id, Type = ResponseTypes.Result, Jobs = jobs });
        return true;
    }

    private async Task ServeAsync(ClientIdentity client, RequestFrame request, ControlOperation operation, CancellationTokenSource cancellation)
    {
        var id = request.Id;
        try
        {
            if (ControlOperations.IsStream(operation))
            {
                await foreach (var item in RequestDispatcher.Stream(_handler, client, request, operation, cancellation.Token).ConfigureAwait(false))
                {
                    item.Id = id;
                    await _sender.SendAsync(item, Json.ResponseFrame, cancellation.Token).ConfigureAwait(false);
                }

                await SendAsync(new ResponseFrame { Id = id, Type = ResponseTypes.End }).ConfigureAwait(false);
            }
            else if (operation == ControlOperation.ReExec)
            {
                var reExec = await _handler.PrepareReExecAsync(client, cancellation.Token).ConfigureAwait(false);
                await SendAsync(new ResponseFrame { Id = id, Type = ResponseTypes.Result }).ConfigureAwait(false);
                reExec();
            }
            else
            {
                var response = await RequestDispatcher.InvokeAsync(_handler, client, request, operation, cancellation.Token).ConfigureAwait(false);
                response.Id = id;
                response.Type = ResponseTypes.Result;
                await SendAsync(response).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Cancelled by the client (which has stopped waiting) or by shutdown (which the client should hear of).
            var answer = _closing.IsCancellationRequested
                ? ResponseFrame.Failure(id, UpstartErrorCode.ShuttingDown, "The daemon is shutting down")
                : new ResponseFrame { Id = id, Type = ResponseTypes.End };
            await TrySendAsync(answer).ConfigureAwait(false);
        }
        catch (UpstartException ex)
        {
            await TrySendAsync(ResponseFrame.Failure(id, ex.Code, ex.Message, ex.CheckFailure)).ConfigureAwait(false);
        }
        catch (FrameException ex)
        {
            await TrySendAsync(ResponseFrame.Failure(id, UpstartErrorCode.Unknown, "The answer is too large to send: " + ex.Message)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or ObjectDisposedException)
        {
            // The client stopped reading or went away; the sender has already shut the socket.
            Abort();
        }
        catch (Exception ex)
        {
            Log($"{request.Op} from {client} failed", ex);
            await TrySendAsync(ResponseFrame.Failure(id, UpstartErrorCode.Unknown, $"Internal error in {request.Op}: {ex.Message}")).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
            cancellation.Dispose();
            if (Interlocked.Decrement(ref _running) == 0 && _closing.IsCancellationRequested)
            {
                _drained.TrySetResult();
            }
        }
    }

    private bool Reject(long id, UpstartErrorCode code, string message)
    {
        Respond(ResponseFrame.Failure(id, code, message));
        return ++_badRequests < _options.MaxConsecutiveBadRequests;
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

    /// <summary>Recovers the id from a request that failed to bind, so the error reaches the right waiter.</summary>
    private static long FindId(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.CurrentDepth == 1)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var id) && id > 0 ? id : 0;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Broken before the id: answer with id 0.
        }

        return 0;
    }

    private static string Truncate(string? text) =>
        text is null ? "(none)" : text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

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

    private void Log(string message, Exception? exception) => _options.Log?.Invoke(message, exception);

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
