using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using UpstartPS.Protocol.Messages;
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
/// </remarks>
public sealed class UpstartClient : IAsyncDisposable, IDisposable
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly FrameReader _reader;
    private readonly FrameSender _sender;
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private long _lastId;
    private volatile Exception? _failure;
    private int _disposed;

    private UpstartClient(string socketPath, Socket socket, FrameReader reader, FrameSender sender, ServerHello hello)
    {
        SocketPath = socketPath;
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

    /// <summary>Connects and performs the handshake. Throws <see cref="UpstartException"/> NotConnected or ProtocolMismatch.</summary>
    public static async Task<UpstartClient> ConnectAsync(UpstartClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.SocketPath ?? ResolveSocketPath(options.System);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).ConfigureAwait(false);
            // A client keeps the buffer a big answer (list) needed: it will likely ask again.
            var reader = new FrameReader(socket, FrameFormat.MaxResponseBytes, retainBytes: 4 * 1024 * 1024);
            var sender = new FrameSender(socket, FrameFormat.MaxRequestBytes, WriteTimeout);
            var hello = Handshake.Hello(options.ClientName);
            await sender.SendAsync(hello, Json.ClientHello, timeout.Token).ConfigureAwait(false);
            if (!await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
            {
                throw ConnectionErrors.NotConnected(path, "the daemon closed the connection during the handshake");
            }

            var answer = JsonSerializer.Deserialize(reader.Current.Span, Json.ServerHello)
                ?? throw ConnectionErrors.NotConnected(path, "the daemon sent an empty handshake");
            Handshake.Check(answer, path);

            return new UpstartClient(path, socket, reader, sender, answer);
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

    public string SocketPath { get; }

    /// <summary>The daemon's version as it announced it in the handshake.</summary>
    public string DaemonVersion { get; }

    /// <summary>Whether the daemon serves the whole system or one user's session.</summary>
    public DaemonMode Mode { get; }

    /// <summary>The daemon's pid, from the kernel (SO_PEERCRED) rather than the protocol; null where it cannot tell.</summary>
    public int? DaemonProcessId { get; }

    /// <summary>
    /// False once the connection has failed, been disposed, or been closed by the daemon (its idle timeout, a
    /// re-exec, a restart); requests then throw NotConnected. A close is seen as soon as the kernel has it, even
    /// before the reader loop has run: a closed peer leaves the socket readable with nothing to read.
    /// </summary>
    public bool IsConnected => _failure is null && _disposed == 0 && !PeerHasClosed();

    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.Version }, cancellationToken).ConfigureAwait(false)).Text);

    public async Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.List }, cancellationToken).ConfigureAwait(false)).Jobs);

    /// <summary>Instances of jobs whose name matches <paramref name="namePattern"/> (wildcards * ? [..]); instance null = all.</summary>
    public async Task<IReadOnlyList<JobInfo>> StatusAsync(string namePattern, string? instance = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        var request = new RequestFrame { Op = Operations.Status, Job = namePattern, Instance = instance };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Jobs);
    }

    public Task<JobInfo> StartAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Start, job, environment, wait, cancellationToken);

    public Task<JobInfo> StopAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Stop, job, environment, wait, cancellationToken);

    public Task<JobInfo> RestartAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Restart, job, environment, wait, cancellationToken);

    public Task<JobInfo> ReloadAsync(string job, IReadOnlyList<string>? environment = null, CancellationToken cancellationToken = default) =>
        JobCommandAsync(Operations.Reload, job, environment, wait: null, cancellationToken);

    public async Task EmitAsync(string eventName, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var request = new RequestFrame { Op = Operations.Emit, Event = eventName, Env = environment ?? [], Wait = wait };
        await CallAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// re-exec: the daemon replaces its program in place and keeps every job. Returns once the old program
    /// has let go of this connection (the exec closes it); connect again to reach the new one
    /// (<see cref="WaitUntilAnsweringAsync"/>).
    /// </summary>
    public async Task ReExecAsync(CancellationToken cancellationToken = default)
    {
        await CallAsync(new RequestFrame { Op = Operations.ReExec }, cancellationToken).ConfigureAwait(false);
        await _readLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects again and again until the daemon answers a version request: after <see cref="ReExecAsync"/>,
    /// until the new program serves the socket. NotConnected once <paramref name="timeout"/> has passed.
    /// </summary>
    public static async Task WaitUntilAnsweringAsync(UpstartClientOptions options, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            try
            {
                await using var fresh = await ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                await fresh.GetVersionAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (UpstartException e) when (e.Code == UpstartErrorCode.NotConnected && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                // The new program has not bound the socket yet; nothing announces it, so this polls.
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Re-reads the job directories; with dryRun, only reports what would change.</summary>
    public async Task<ConfigurationChange> ReloadConfigurationAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        var request = new RequestFrame { Op = Operations.ReloadConfiguration, DryRun = dryRun };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Change);
    }

    public async Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(IReadOnlyList<string>? ignoredEvents = null, CancellationToken cancellationToken = default)
    {
        var request = new RequestFrame { Op = Operations.CheckConfig, IgnoredEvents = ignoredEvents ?? [] };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Problems);
    }

    public async Task<JobConfigInfo> ShowConfigAsync(string job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.ShowConfig, Job = job };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Config);
    }

    /// <summary>Diagnostics of job files the daemon could not load.</summary>
    public async Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.Diagnostics }, cancellationToken).ConfigureAwait(false)).Diagnostics);

    /// <summary>Disable (persisted: not started by events, start refused until enabled) or enable a job.</summary>
    public async Task SetEnabledAsync(string job, bool enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await CallAsync(new RequestFrame { Op = Operations.SetEnabled, Job = job, Enabled = enabled }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Disables a job and, with <paramref name="stop"/>, stops every running instance of it (`disable --now`);
    /// with <paramref name="wait"/> returns once they have stopped. Returns the job's instances afterwards.
    /// A daemon older than this request (it ignores `stop`) disables without stopping: that is reported as
    /// <see cref="UpstartErrorCode.ProtocolMismatch"/>, never passed off as done.
    /// </summary>
    public async Task<IReadOnlyList<JobInfo>> DisableAsync(string job, bool stop, bool wait = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.SetEnabled, Job = job, Enabled = false, Stop = stop ? true : null, Wait = wait };
        var response = await CallAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Jobs ?? (stop
            ? throw new UpstartException(
                UpstartErrorCode.ProtocolMismatch,
                $"The daemon at {SocketPath} disabled {job} but is too old to stop it as well: stop it with `stop {job}`")
            : []);
    }

    /// <summary>Gets the log priority, or sets it when <paramref name="priority"/> is given; returns the priority in force.</summary>
    public async Task<string> LogPriorityAsync(string? priority = null, CancellationToken cancellationToken = default) =>
        Require((await CallAsync(new RequestFrame { Op = Operations.LogPriority, Priority = priority }, cancellationToken).ConfigureAwait(false)).Text);

    /// <summary>The last <paramref name="tail"/> lines of a job's log, then (with follow) new lines until cancelled.</summary>
    public async IAsyncEnumerable<LogLineInfo> ReadLogAsync(
        string job,
        string? instance = null,
        int tail = 10,
        bool follow = false,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.Log, Job = job, Instance = instance, Tail = tail, Follow = follow };
        await foreach (var frame in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (frame.Line is { } line)
            {
                yield return line;
            }
        }
    }

    /// <summary>Events and state changes as they happen, until cancelled; with history, recent events first.</summary>
    public async IAsyncEnumerable<EventInfo> WatchAsync(bool includeHistory = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new RequestFrame { Op = Operations.Watch, History = includeHistory };
        await foreach (var frame in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (frame.Event is { } item)
            {
                yield return item;
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

    private async Task<JobInfo> JobCommandAsync(string op, string job, IReadOnlyList<string>? environment, bool? wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = op, Job = job, Env = environment ?? [], Wait = wait };
        return Require((await CallAsync(request, cancellationToken).ConfigureAwait(false)).Job);
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

    private async IAsyncEnumerable<ResponseFrame> StreamAsync(RequestFrame request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new StreamRequest();
        var id = Register(request, pending);
        var finished = false;
        try
        {
            await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
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
