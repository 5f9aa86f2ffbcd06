using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using UpstartPS.Protocol.Wire;

using static UpstartPS.Protocol.Client.Answers;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// The one client of the control socket, used by the PowerShell module, upstartctl and tests.
/// Async and cancellable; one connection, concurrent requests matched by id.
/// </summary>
/// <remarks>
/// Thread-safe: any number of threads may issue requests at once. One reader loop routes response frames to
/// the request with the same id; cancelling a request tells the daemon to abandon it (docs/protocol.md).
/// This file holds the connection: connecting, sending, the reader loop, cancelling and closing; one
/// method per control operation is in UpstartClient.Commands.cs.
/// </remarks>
public sealed partial class UpstartClient : IAsyncDisposable, IDisposable
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly FrameReader _reader;
    private readonly FrameSender _sender;
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private readonly UpstartClientOptions _options;
    private long _lastId;
    private volatile Exception? _failure;
    private int _disposed;

    private UpstartClient(UpstartClientOptions options, Socket socket, FrameReader reader, FrameSender sender, ServerHello hello)
    {
        SocketPath = options.SocketPath!;
        _options = options;
        _socket = socket;
        _reader = reader;
        _sender = sender;
        DaemonVersion = hello.Daemon ?? "";
        Mode = hello.Mode;
        DaemonProcessId = PeerProcess.Id(socket);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The socket path a client uses when none is given: $UPSTARTPS_SOCKET, else the session daemon's, else the system one.</summary>
    public static string ResolveSocketPath(bool? system = null) => ControlSocketPaths.Resolve(system);

    public static Task<UpstartClient> ConnectAsync(string? socketPath = null, CancellationToken cancellationToken = default) =>
        ConnectAsync(new UpstartClientOptions { SocketPath = socketPath }, cancellationToken);

    /// <summary>
    /// Connects and performs the handshake, within <see cref="UpstartClientOptions.ConnectTimeout"/>. A connection
    /// the daemon closes before answering the hello asked nothing of it: that is a daemon handing over to its next
    /// program at a re-exec, and this connects again (docs/protocol.md, "Requests and streams across a re-exec").
    /// Throws <see cref="UpstartException"/> NotConnected or ProtocolMismatch.
    /// </summary>
    public static async Task<UpstartClient> ConnectAsync(UpstartClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.SocketPath ?? ResolveSocketPath(options.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        while (true)
        {
            if (await ConnectOnceAsync(options, path, timeout.Token, cancellationToken).ConfigureAwait(false) is { } client)
            {
                return client;
            }

            try
            {
                await Task.Delay(5, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw ConnectionErrors.NotConnected(path, "the daemon closed the connection during the handshake");
            }
        }
    }

    /// <summary>One connection and its handshake; null when the daemon closed it without answering the hello.</summary>
    private static async Task<UpstartClient?> ConnectOnceAsync(UpstartClientOptions options, string path, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout).ConfigureAwait(false);
            if (UnixPeer.TryRead(socket, out _, out var daemonUid, out _)
                && ConnectionErrors.NotOurDaemon(path, daemonUid, ControlSocketPaths.CurrentUid()) is { } notOurs)
            {
                throw notOurs;
            }

            // A client keeps the buffer a big answer (list) needed: it will likely ask again.
            var reader = new FrameReader(socket, FrameFormat.MaxResponseBytes, retainBytes: 4 * 1024 * 1024);
            var sender = new FrameSender(socket, FrameFormat.MaxRequestBytes, WriteTimeout);
            var hello = Handshake.Hello(options.ClientName);
            try
            {
                await sender.SendAsync(hello, Json.ClientHello, timeout).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // A daemon over its connection limit answers at once and closes before our hello arrives: the
                // answer saying why is still there to read (docs/protocol.md, TooManyConnections).
            }

            bool answered;
            try
            {
                answered = await reader.ReadAsync(timeout).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // Closed with our hello unread.
                answered = false;
            }

            if (!answered)
            {
                socket.Dispose();
                return null;
            }

            var answer = JsonSerializer.Deserialize(reader.Current.Span, Json.ServerHello)
                ?? throw ConnectionErrors.NotConnected(path, "the daemon sent an empty handshake");
            Handshake.Check(answer, path);

            return new UpstartClient(Pinned(options, path), socket, reader, sender, answer);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw ex switch
            {
                UpstartException => ex,
                OperationCanceledException => ConnectionErrors.NotConnected(path, $"the daemon did not answer within {options.ConnectTimeout.TotalSeconds:0.#} s", ex),
                SocketException socketError => ConnectionErrors.NotConnected(path, ConnectionErrors.Describe(socketError), ex),
                ArgumentException => ConnectionErrors.NotConnected(path, "the socket path is not usable (a Unix socket path is at most 107 bytes)", ex),
                _ => ConnectionErrors.NotConnected(path, ex.Message, ex),
            };
        }
    }

    /// <summary>
    /// How long a stream the daemon handed over at its re-exec waits for the next program to answer (a re-exec
    /// with 1,000 jobs takes well under a second; this bounds one that never comes back).
    /// </summary>
    public static readonly TimeSpan HandoverTimeout = TimeSpan.FromSeconds(60);

    public string SocketPath { get; }

    /// <summary>The daemon's version as it announced it in the handshake.</summary>
    public string DaemonVersion { get; }

    /// <summary>Whether the daemon serves the whole system or one user's session.</summary>
    public DaemonMode Mode { get; }

    /// <summary>The daemon's pid, from the kernel (SO_PEERCRED) rather than the protocol; null where it cannot tell.</summary>
    public int? DaemonProcessId { get; }

    /// <summary>
    /// False once the connection has failed, been disposed, or been closed by the daemon (its idle timeout, a
    /// re-exec, a restart), or once the daemon has stopped reading it (a re-exec under way); requests then throw
    /// NotConnected. A close is seen as soon as the kernel has it, even before the reader loop has run: a closed
    /// peer leaves the socket readable with nothing to read.
    /// </summary>
    public bool IsConnected => _failure is null && _disposed == 0 && !PeerHasClosed() && !PeerStoppedReading();

    /// <summary>
    /// Connects again and again until the daemon answers a version request: after <see cref="ReExecAsync"/>,
    /// until the new program serves the socket. NotConnected once <paramref name="timeout"/> has passed.
    /// </summary>
    public static async Task WaitUntilAnsweringAsync(UpstartClientOptions options, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await using var fresh = await ConnectWhenAnsweringAsync(options, timeout, cancellationToken).ConfigureAwait(false);
        await fresh.GetVersionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The options a connection was made with, its socket path resolved: a reconnect reaches the same daemon.</summary>
    internal static UpstartClientOptions Pinned(UpstartClientOptions options, string path) =>
        new() { SocketPath = path, ClientName = options.ClientName, ConnectTimeout = options.ConnectTimeout };

    /// <summary>A connection whose handshake the daemon has answered, trying again until <paramref name="timeout"/> has passed.</summary>
    private static async Task<UpstartClient> ConnectWhenAnsweringAsync(UpstartClientOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            try
            {
                return await ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (UpstartException e) when (e.Code == UpstartErrorCode.NotConnected && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                // The new program has not bound the socket yet (or the old one, handing over, closes new connections
                // at once); nothing announces it, so this polls.
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }


    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        CloseSocket();
        await _readLoop.ConfigureAwait(false);
        _sender.Dispose();
        _closing.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _closing.Cancel();
        CloseSocket();
        _readLoop.GetAwaiter().GetResult();
        _sender.Dispose();
        _closing.Dispose();
    }

    private async Task<ResponseFrame> CallAsync(RequestFrame request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new UnaryRequest();
        var id = Register(request, pending);
        await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);

        ResponseFrame response;
        if (cancellationToken.CanBeCanceled)
        {
            using (cancellationToken.UnsafeRegister(static (state, token) => ((CancelRegistration)state!).Cancel(token), new CancelRegistration(this, id, pending)))
            {
                response = await pending.Response.ConfigureAwait(false);
            }
        }
        else
        {
            response = await pending.Response.ConfigureAwait(false);
        }

        ThrowIfError(response);
        return response;
    }

    /// <summary>
    /// Registers and sends a stream request; null when the send failed, so the daemon never read it (a daemon
    /// handing its streams over at a re-exec stops reading, and a send after that fails: docs/protocol.md,
    /// "Requests and streams across a re-exec"). Throws as any request when the connection had already failed.
    /// </summary>
    private async Task<StreamRequest?> TryOpenStreamAsync(RequestFrame request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new StreamRequest();
        Register(request, pending);
        try
        {
            await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
            return pending;
        }
        catch (UpstartException ex) when (ex.InnerException is SocketException or ObjectDisposedException && !_closing.IsCancellationRequested)
        {
            // SendRequestAsync's NotSent: never read, so the caller may send it elsewhere.
            return null;
        }
    }

    /// <summary>The frames of a stream request already sent, items and its last frame (an `end` with `resume` included).</summary>
    private async IAsyncEnumerable<ResponseFrame> ReadStreamAsync(long id, StreamRequest pending, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var finished = false;
        try
        {
            while (await pending.Frames.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (pending.Frames.TryRead(out var frame))
                {
                    if (frame.Type == ResponseTypes.Item)
                    {
                        yield return frame;
                        continue;
                    }

                    finished = true;
                    ThrowIfError(frame);
                    if (frame.Resume is not null)
                    {
                        // Handed over at a re-exec: the caller carries on elsewhere (ResumableStreamAsync).
                        yield return frame;
                    }

                    yield break;
                }
            }

            finished = true;
        }
        finally
        {
            // Abandoned early (cancelled, or the caller stopped enumerating): the daemon stops producing.
            if (!finished && _pending.TryRemove(id, out _))
            {
                _ = SendCancelAsync(id);
            }
        }
    }

    /// <summary>
    /// A stream that carries on across the daemon's re-exec: the old program ends it with a `resume` point once it
    /// has sent all it had, and the same request goes to the new program with that point, on a connection of its
    /// own (this one closes with the exec). A request the old program never read (its send failed: the program
    /// had stopped reading to hand over) goes to the new one as it was. Items only; NotConnected when no program
    /// answers within <see cref="HandoverTimeout"/>.
    /// </summary>
    private async IAsyncEnumerable<ResponseFrame> ResumableStreamAsync(RequestFrame request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = this;
        UpstartClient? next = null;
        try
        {
            while (true)
            {
                var pending = await connection.TryOpenStreamAsync(request, cancellationToken).ConfigureAwait(false);
                string? resume = null;
                if (pending is not null)
                {
                    await foreach (var frame in connection.ReadStreamAsync(request.Id, pending, cancellationToken).ConfigureAwait(false))
                    {
                        if (frame.Type == ResponseTypes.Item)
                        {
                            yield return frame;
                        }
                        else
                        {
                            resume = frame.Resume;
                        }
                    }

                    if (resume is null)
                    {
                        yield break;
                    }

                    request.Resume = resume;
                }

                if (next is not null)
                {
                    await next.DisposeAsync().ConfigureAwait(false);
                    next = null;
                }

                next = await ConnectWhenAnsweringAsync(_options, HandoverTimeout, cancellationToken).ConfigureAwait(false);
                connection = next;
            }
        }
        finally
        {
            if (next is not null)
            {
                await next.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private long Register(RequestFrame request, PendingRequest pending)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var id = Interlocked.Increment(ref _lastId);
        request.Id = id;
        _pending[id] = pending;

        // The reader loop records its failure before failing what is pending, so a request that slipped in
        // after that sweep sees the failure here instead of waiting forever.
        if (_failure is { } failure && _pending.TryRemove(id, out _))
        {
            throw failure;
        }

        return id;
    }

    private async Task SendRequestAsync(RequestFrame request, CancellationToken cancellationToken)
    {
        try
        {
            await _sender.SendAsync(request, Json.RequestFrame, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _pending.TryRemove(request.Id, out _);
            throw ex switch
            {
                OperationCanceledException => ex,
                FrameException => new UpstartException(UpstartErrorCode.BadRequest, ex.Message, ex),

                // A frame cut short is not read as a request either. The reader loop may have seen the end first.
                SocketException or ObjectDisposedException => NotSent(SocketPath, ex, _failure),
                _ => _failure ?? Lost(ex),
            };
        }
    }

    private async Task SendCancelAsync(long id)
    {
        try
        {
            await _sender.SendAsync(new RequestFrame { Id = id, Op = Operations.Cancel }, Json.RequestFrame, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or TimeoutException or InvalidOperationException)
        {
            // The connection is gone, and with it everything the daemon was doing for us.
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception failure;
        try
        {
            while (await _reader.ReadAsync(_closing.Token).ConfigureAwait(false))
            {
                var frame = JsonSerializer.Deserialize(_reader.Current.Span, Json.ResponseFrame);
                if (frame is not null && _pending.TryGetValue(frame.Id, out var pending) && pending.Deliver(frame))
                {
                    _pending.TryRemove(frame.Id, out _);
                }
            }

            failure = new UpstartException(UpstartErrorCode.NotConnected, $"The daemon at {SocketPath} closed the connection");
        }
        catch (Exception ex) when (_closing.IsCancellationRequested)
        {
            failure = new ObjectDisposedException(nameof(UpstartClient), ex);
        }
        catch (Exception ex)
        {
            // Whatever broke the loop (socket error, broken framing, a frame that is not JSON), every request
            // waiting on this connection must learn of it rather than hang.
            failure = Lost(ex);
        }

        _failure = failure;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Fail(failure);
            }
        }
    }

    private bool PeerHasClosed()
    {
        try
        {
            // poll(2) keeps reporting a closed stream as readable after the reader loop took its end of file.
            return _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>
    /// Whether the daemon has stopped reading this connection (as it does when it re-executes, keeping it open for its
    /// last answers): then nothing sent here would be read. poll(2) does not tell; a send of nothing does, at once.
    /// </summary>
    private bool PeerStoppedReading()
    {
        try
        {
            _socket.Send(ReadOnlySpan<byte>.Empty, SocketFlags.None);
            return false;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private void CloseSocket()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer went first.
        }

        _socket.Dispose();
    }

    private UpstartException Lost(Exception ex) => Answers.Lost(SocketPath, ex);

    /// <summary>What a cancelled request's token callback needs, in one allocation.</summary>
    private sealed class CancelRegistration(UpstartClient client, long id, UnaryRequest pending)
    {
        public void Cancel(CancellationToken token)
        {
            if (client._pending.TryRemove(id, out _))
            {
                pending.Cancel(token);
                _ = client.SendCancelAsync(id);
            }
        }
    }
}
