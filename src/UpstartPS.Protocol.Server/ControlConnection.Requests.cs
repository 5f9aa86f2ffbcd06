using System.Net.Sockets;
using System.Text.Json;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// One request, from frame to answer: read and checked on the read loop (<see cref="Accept"/>), answered
/// there when the answer is already published (<see cref="TryAnswerNow"/>), otherwise served on its own
/// (<see cref="ServeAsync"/>) so that responses go out in whatever order they finish.
/// </summary>
internal sealed partial class ControlConnection
{
    /// <summary>What the read loop does after <see cref="Accept"/>.</summary>
    private enum Accepted
    {
        /// <summary>Answered, refused or cancelled: read the next frame.</summary>
        Done,

        /// <summary>A valid, authorised request to <see cref="Serve"/>, off the socket thread.</summary>
        Serve,

        /// <summary>Too many malformed requests in a row: close the connection.</summary>
        Close,
    }

    /// <summary>
    /// Reads, checks and authorises one frame on the read loop, and answers it when it can be answered at once
    /// where the loop runs. What is left to do comes back as <see cref="Accepted.Serve"/> with the request.
    /// </summary>
    private Accepted Accept(ClientIdentity client, out RequestFrame? request, out ControlOperation operation)
    {
        operation = default;
        try
        {
            request = JsonSerializer.Deserialize(_reader.Current.Span, Json.RequestFrame);
        }
        catch (JsonException ex)
        {
            request = null;
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
                // Cancelling runs the request's callbacks, whatever they do: never on the socket thread.
                if (SocketThread.MustLeave)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(CancelQuietly, running, preferLocal: false);
                }
                else
                {
                    CancelQuietly(running);
                }
            }

            _badRequests = 0;
            return Accepted.Done;
        }

        if (!ControlOperations.TryParse(request, out operation))
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
            return Accepted.Done;
        }

        if ((!SocketThread.MustLeave || IsQuick(request, operation)) && TryAnswerNow(client, request, operation))
        {
            return Accepted.Done;
        }

        return Accepted.Serve;
    }

    /// <summary>
    /// A status of one job, the one answer small and cheap enough to build on the socket thread. A name
    /// pattern may match every job and a list is every job: as costly as a list of thousands.
    /// </summary>
    private static bool IsQuick(RequestFrame request, ControlOperation operation) =>
        operation == ControlOperation.Status && request.Job!.AsSpan().IndexOfAny("*?[\\") < 0;

    /// <summary>Starts a request that <see cref="Accept"/> did not answer; on a pool worker, so it may block before its first await.</summary>
    private void Serve(ClientIdentity client, RequestFrame request, ControlOperation operation)
    {
        if (TryAnswerNow(client, request, operation))
        {
            return;
        }

        if (_inFlight.Count >= _options.MaxRequestsInFlight)
        {
            Respond(ResponseFrame.Failure(request.Id, UpstartErrorCode.BadRequest, $"Too many requests in flight (limit {_options.MaxRequestsInFlight})"));
            return;
        }

        // A start/stop/restart that waits also ends when a re-exec hands over: with a `resume`, not cut by the exec.
        var handedOver = ControlOperations.IsResumableWait(request, operation) && _options.Handover is { } handing
            ? handing.Token
            : CancellationToken.None;
        var cancellation = handedOver.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_closing.Token, handedOver)
            : CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        if (!_inFlight.TryAdd(request.Id, cancellation))
        {
            cancellation.Dispose();
            Respond(ResponseFrame.Failure(request.Id, UpstartErrorCode.BadRequest, $"Request id {request.Id} is already in flight"));
            return;
        }

        // Runs synchronously up to the handler's first await, then continues on its own: a slow request
        // does not hold up the next one on this connection.
        Interlocked.Increment(ref _running);
        _ = ServeAsync(client, request, operation, cancellation, handedOver);
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

    /// <param name="handedOver">For a waiting start/stop/restart: the handover's token it ends with (None otherwise).</param>
    private async Task ServeAsync(ClientIdentity client, RequestFrame request, ControlOperation operation, CancellationTokenSource cancellation, CancellationToken handedOver)
    {
        var id = request.Id;
        var stream = ControlOperations.IsStream(operation);

        // A re-exec waits for requests read before it to be answered and for streams to end; not for itself. A waiting
        // start/stop/restart/emit is both: a request until the handler has it (it has made its change then), after
        // which the re-exec need not wait for its answer; then, like a stream, answered as usual if it gets there
        // while the engine still runs, else ended with its `resume` when the streams are (the handover's token).
        var handover = operation == ControlOperation.ReExec ? null : _options.Handover;
        var handedOverAsStream = stream || handedOver.CanBeCanceled;
        if (handedOverAsStream)
        {
            handover?.StreamStarted();
        }

        var servingRequest = !stream && handover is not null;
        if (servingRequest)
        {
            handover!.RequestStarted();
        }

        try
        {
            if (stream)
            {
                await foreach (var item in RequestDispatcher.Stream(_handler, client, request, operation, cancellation.Token).ConfigureAwait(false))
                {
                    item.Id = id;
                    await _sender.SendAsync(item, Json.ResponseFrame, cancellation.Token).ConfigureAwait(false);
                }

                // A stream may end quietly when cancelled (a log follow does): that is still a cancellation, so a
                // shutdown is told as ShuttingDown, as for a stream that threw, and not as a normal end, which a
                // client following a log cannot tell from the end of everything there is to say.
                cancellation.Token.ThrowIfCancellationRequested();
                await SendAsync(new ResponseFrame { Id = id, Type = ResponseTypes.End }).ConfigureAwait(false);
            }
            else if (operation == ControlOperation.ReExec)
            {
                var reExec = await _handler.PrepareReExecAsync(client, cancellation.Token).ConfigureAwait(false);
                await SendAsync(new ResponseFrame { Id = id, Type = ResponseTypes.Result }).ConfigureAwait(false);

                // This client waits on its connection for the exec to close it (or to stay open: the exec failed),
                // so the handover leaves it reading.
                Volatile.Write(ref _reExecRequested, 1);
                reExec();
            }
            else
            {
                var answering = RequestDispatcher.InvokeAsync(_handler, client, request, operation, cancellation.Token);
                if (handedOver.CanBeCanceled && servingRequest)
                {
                    // The handler has the waiting request (IControlHandler: its change is made, or queued ahead of
                    // anything asked later, when the call returns): a re-exec goes on at once and hands the wait
                    // over, rather than holding every client up to its bound for a job that is slow to start.
                    servingRequest = false;
                    handover!.RequestEnded();
                }

                var response = await answering.ConfigureAwait(false);
                response.Id = id;
                response.Type = ResponseTypes.Result;
                await SendAsync(response).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (handedOver.IsCancellationRequested && !_closing.IsCancellationRequested)
        {
            // The daemon re-executes under a waiting start/stop/restart: what it asked for was done; the next program
            // waits for the rest when the client sends `await` with this `resume` (its op) and the same job and env.
            var answer = ResponseFrame.Failure(
                id,
                UpstartErrorCode.ReExecuted,
                $"The daemon re-executed while {request.Op} {request.Job ?? request.Event} waited: it was done, and the next program waits for the rest (await)");
            answer.Resume = request.Op;
            await TrySendAsync(answer).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Cancelled by the client (which has stopped waiting) or by shutdown (which the client should hear of).
            var answer = _closing.IsCancellationRequested
                ? ResponseFrame.Failure(id, UpstartErrorCode.ShuttingDown, "The daemon is shutting down")
                : new ResponseFrame { Id = id, Type = ResponseTypes.End };
            await TrySendAsync(answer).ConfigureAwait(false);
        }
        catch (StreamHandoverException ex)
        {
            // The daemon is re-executing: everything the stream had is sent; the client carries on with the next program.
            await TrySendAsync(new ResponseFrame { Id = id, Type = ResponseTypes.End, Resume = ex.Resume }).ConfigureAwait(false);
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
            if (handedOverAsStream)
            {
                handover?.StreamEnded();
            }

            if (servingRequest)
            {
                handover!.RequestEnded();
            }

            _inFlight.TryRemove(id, out _);
            cancellation.Dispose();
            if (Interlocked.Decrement(ref _running) == 0 && (_closing.IsCancellationRequested || Volatile.Read(ref _finishing) != 0))
            {
                _drained.TrySetResult();
            }
        }
    }

    private Accepted Reject(long id, UpstartErrorCode code, string message)
    {
        Respond(ResponseFrame.Failure(id, code, message));
        return ++_badRequests < _options.MaxConsecutiveBadRequests ? Accepted.Done : Accepted.Close;
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
}
