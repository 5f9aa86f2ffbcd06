using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

using static UpstartPS.Protocol.Client.Answers;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// A synchronous client for one caller with one request at a time: what a one-shot command line needs
/// (upstartctl). It speaks the same protocol as <see cref="UpstartClient"/> but starts no thread: blocking
/// socket calls, no timers (the connect and handshake bound is the socket's own send and receive timeout).
/// The hello is held back and sent in one write with the first request, so a command costs one round
/// trip; the daemon answers the hello first, and a refusal is reported as <see cref="UpstartClient"/> does.
/// Frames go through <see cref="DirectFrameCodec"/> first: a fresh process skips the serialiser's metadata.
/// </summary>
/// <remarks>Not thread-safe. Failures are <see cref="UpstartException"/>s, NotConnected when the daemon cannot be reached or is lost.</remarks>
public sealed class BlockingUpstartClient : IDisposable
{
    private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

    private readonly UpstartClientOptions _options;
    private readonly long _handshakeDeadline;

    /// <summary>Sent with the hello, before the daemon answered it: sent again should it close without answering.</summary>
    private readonly List<RequestFrame> _sentBeforeHello = [];
    private BlockingUnixSocket _socket;
    private BlockingFrameStream _frames;
    private bool _helloAnswered;
    private long _lastId;

    private BlockingUpstartClient(UpstartClientOptions options, BlockingUnixSocket socket)
    {
        SocketPath = options.SocketPath!;
        _socket = socket;
        _options = options;
        _frames = new BlockingFrameStream(socket, FrameFormat.MaxRequestBytes, FrameFormat.MaxResponseBytes);
        _handshakeDeadline = Stopwatch.GetTimestamp() + (long)(options.ConnectTimeout.TotalSeconds * Stopwatch.Frequency);
    }

    public string SocketPath { get; }

    /// <summary>
    /// Connects (bounded by <see cref="UpstartClientOptions.ConnectTimeout"/>, which also bounds the wait for the
    /// daemon's hello) and queues the hello. Throws NotConnected.
    /// </summary>
    public static BlockingUpstartClient Connect(UpstartClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.SocketPath ?? ControlSocketPaths.Resolve(options.System);
        BlockingUnixSocket? socket = null;
        try
        {
            // SO_SNDTIMEO bounds a blocking connect() on a Unix socket whose backlog is full, SO_RCVTIMEO the hello.
            socket = BlockingUnixSocket.Connect(path, AtLeastOneMillisecond(options.ConnectTimeout));
            if (socket.PeerUid is { } daemonUid && ConnectionErrors.NotOurDaemon(path, daemonUid, ControlSocketPaths.CurrentUid()) is { } notOurs)
            {
                throw notOurs;
            }

            var client = new BlockingUpstartClient(UpstartClient.Pinned(options, path), socket);
            client._frames.Queue(Handshake.Hello(options.ClientName), DirectFrameCodec.WriteHello);
            return client;
        }
        catch (Exception ex)
        {
            socket?.Dispose();
            throw ex switch
            {
                SocketException socketError => ConnectionErrors.NotConnected(path, ConnectionErrors.Describe(socketError), ex),
                ArgumentException => ConnectionErrors.NotConnected(path, "the socket path is not usable (a Unix socket path is at most 107 bytes)", ex),
                _ => ex,
            };
        }
    }

    public string GetVersion() => Require(Call(new RequestFrame { Op = Operations.Version }).Text);

    public IReadOnlyList<JobInfo> List() => Require(Call(new RequestFrame { Op = Operations.List }).Jobs);

    /// <summary>Instances of jobs whose name matches <paramref name="namePattern"/> (wildcards * ? [..]); instance null = all.</summary>
    public IReadOnlyList<JobInfo> Status(string namePattern, string? instance = null)
    {
        ArgumentNullException.ThrowIfNull(namePattern);
        return Require(Call(new RequestFrame { Op = Operations.Status, Job = namePattern, Instance = instance }).Jobs);
    }

    /// <summary>The answer carries the job's state once the command is done, so no status request follows.</summary>
    public JobInfo Start(string job, IReadOnlyList<string>? environment = null, bool wait = true) => JobCommand(Operations.Start, job, environment, wait);

    public JobInfo Stop(string job, IReadOnlyList<string>? environment = null, bool wait = true) => JobCommand(Operations.Stop, job, environment, wait);

    public JobInfo Restart(string job, IReadOnlyList<string>? environment = null, bool wait = true) => JobCommand(Operations.Restart, job, environment, wait);

    public JobInfo Reload(string job, IReadOnlyList<string>? environment = null) => JobCommand(Operations.Reload, job, environment, wait: null);

    public void Emit(string eventName, IReadOnlyList<string>? environment = null, bool wait = true)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        var request = new RequestFrame { Op = Operations.Emit, Event = eventName, Env = environment ?? [], Wait = wait };
        try
        {
            Call(request);
        }
        catch (UpstartException e) when (e.Code == UpstartErrorCode.ReExecuted)
        {
            AwaitAfterReExec(request);
        }
    }

    public ConfigurationChange ReloadConfiguration(bool dryRun = false) =>
        Require(Call(new RequestFrame { Op = Operations.ReloadConfiguration, DryRun = dryRun }).Change);

    /// <summary>check-config; <paramref name="warnAll"/> is initctl's `-w`.</summary>
    public IReadOnlyList<CheckConfigItem> CheckConfig(IReadOnlyList<string>? ignoredEvents = null, bool warnAll = false) =>
        Require(Call(new RequestFrame { Op = Operations.CheckConfig, IgnoredEvents = ignoredEvents ?? [], WarnAll = warnAll ? true : null }).Problems);

    public JobConfigInfo ShowConfig(string job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Require(Call(new RequestFrame { Op = Operations.ShowConfig, Job = job }).Config);
    }

    public IReadOnlyList<DiagnosticInfo> GetDiagnostics() => Require(Call(new RequestFrame { Op = Operations.Diagnostics }).Diagnostics);

    public void SetEnabled(string job, bool enabled)
    {
        ArgumentNullException.ThrowIfNull(job);
        Call(new RequestFrame { Op = Operations.SetEnabled, Job = job, Enabled = enabled });
    }

    /// <summary>As <see cref="UpstartClient.DisableAsync"/>: disables, with <paramref name="stop"/> also stops every running instance (`disable --now`).</summary>
    public IReadOnlyList<JobInfo> Disable(string job, bool stop, bool wait = true)
    {
        ArgumentNullException.ThrowIfNull(job);
        var response = Call(new RequestFrame { Op = Operations.SetEnabled, Job = job, Enabled = false, Stop = stop ? true : null, Wait = wait });
        return response.Jobs ?? (stop
            ? throw new UpstartException(
                UpstartErrorCode.ProtocolMismatch,
                $"The daemon at {SocketPath} disabled {job} but is too old to stop it as well: stop it with `stop {job}`")
            : []);
    }

    /// <summary>As <see cref="UpstartClient.NotifyDiskWriteableAsync"/>.</summary>
    public long NotifyDiskWriteable() => Answers.KeptBytes(Call(new RequestFrame { Op = Operations.NotifyDiskWriteable }).Text);

    /// <summary>As <see cref="UpstartClient.ListEnvironmentAsync"/>.</summary>
    public IReadOnlyList<string> ListEnvironment(string? job = null, string? instance = null) =>
        Require(Call(EnvironmentRequests.List(job, instance)).Env);

    /// <summary>As <see cref="UpstartClient.GetEnvironmentVariableAsync"/>.</summary>
    public string GetEnvironmentVariable(string name, string? job = null, string? instance = null) =>
        Require(Call(EnvironmentRequests.Get(name, job, instance)).Text);

    /// <summary>As <see cref="UpstartClient.SetEnvironmentAsync"/>.</summary>
    public void SetEnvironment(IReadOnlyList<string> variables, bool retain = false, string? job = null, string? instance = null) =>
        Call(EnvironmentRequests.Set(variables, retain, job, instance));

    /// <summary>As <see cref="UpstartClient.UnsetEnvironmentAsync"/>.</summary>
    public void UnsetEnvironment(IReadOnlyList<string> names, string? job = null, string? instance = null) =>
        Call(EnvironmentRequests.Unset(names, job, instance));

    /// <summary>As <see cref="UpstartClient.ResetEnvironmentAsync"/>.</summary>
    public void ResetEnvironment(string? job = null, string? instance = null) =>
        Call(EnvironmentRequests.Reset(job, instance));

    public string LogPriority(string? priority = null) => Require(Call(new RequestFrame { Op = Operations.LogPriority, Priority = priority }).Text);

    /// <summary>The last <paramref name="tail"/> lines of a job's log, then (with follow) new lines until the process ends.</summary>
    /// <summary>
    /// The last <paramref name="tail"/> lines, then with <paramref name="follow"/> new lines until the caller stops.
    /// A follow carries on across the daemon's re-exec: the old program ends it saying where, and it goes on
    /// with the new one from there (NotConnected if none answers within <see cref="UpstartClient.HandoverTimeout"/>).
    /// </summary>
    public IEnumerable<LogLineInfo> ReadLog(string job, string? instance = null, int tail = 10, bool follow = false)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = Operations.Log, Job = job, Instance = instance, Tail = tail, Follow = follow };
        var connection = this;
        BlockingUpstartClient? next = null;
        try
        {
            while (true)
            {
                if (!connection.TrySend(request, out var id))
                {
                    // Never read: the daemon had stopped reading to hand its streams over at a re-exec.
                    connection = Reconnect();
                    continue;
                }

                while (true)
                {
                    var frame = connection.Receive(id);
                    if (frame.Type != ResponseTypes.Item)
                    {
                        ThrowIfError(frame);
                        if (frame.Resume is not { } resume)
                        {
                            yield break;
                        }

                        request.Resume = resume;
                        break;
                    }

                    if (frame.Line is { } line)
                    {
                        yield return line;
                    }
                }

                connection = Reconnect();
            }
        }
        finally
        {
            next?.Dispose();
        }

        BlockingUpstartClient Reconnect()
        {
            next?.Dispose();
            next = null;
            next = ConnectWhenAnswering(_options, UpstartClient.HandoverTimeout);
            return next;
        }
    }

    /// <summary>
    /// Asks the daemon to exec itself in place (admin only) and returns when it has: the old program closes the
    /// connection as it execs. Timeout when the connection stays open past <paramref name="timeout"/> (the exec
    /// failed and the old program carries on). Then <see cref="WaitUntilAnswering"/> for the new program.
    /// </summary>
    public void ReExec(TimeSpan timeout)
    {
        Call(new RequestFrame { Op = Operations.ReExec });
        _socket.ReceiveTimeout = AtLeastOneMillisecond(timeout);
        try
        {
            while (_frames.Read() is not null)
            {
                // Nothing more is expected on this connection; whatever comes is not an answer to wait for.
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            throw new UpstartException(UpstartErrorCode.Timeout, "The daemon did not re-exec (see its log)", ex);
        }
        catch (Exception ex) when (ex is SocketException or FrameException)
        {
            // Reset rather than closed: the old program is gone either way.
        }
    }

    /// <summary>
    /// Connects again and again until the daemon answers a version request: after <see cref="ReExec"/>, until the
    /// new program serves the socket. NotConnected once <paramref name="timeout"/> has passed.
    /// </summary>
    public static void WaitUntilAnswering(UpstartClientOptions options, TimeSpan timeout)
    {
        using var fresh = ConnectWhenAnswering(options, timeout);
        fresh.GetVersion();
    }

    /// <summary>A connection whose handshake the daemon has answered, trying again until <paramref name="timeout"/> has passed.</summary>
    private static BlockingUpstartClient ConnectWhenAnswering(UpstartClientOptions options, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        while (true)
        {
            BlockingUpstartClient? fresh = null;
            try
            {
                fresh = Connect(options);
                fresh.AwaitHello();
                return fresh;
            }
            catch (UpstartException e) when (e.Code == UpstartErrorCode.NotConnected && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                // The new program has not bound the socket yet (or the old one, handing over, closes new connections
                // at once); nothing announces it, so this polls.
                fresh?.Dispose();
                Thread.Sleep(5);
            }
            catch
            {
                fresh?.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        _socket.Shutdown();
        _socket.Dispose();
        _frames.Dispose();
    }

    private JobInfo JobCommand(string op, string job, IReadOnlyList<string>? environment, bool? wait)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new RequestFrame { Op = op, Job = job, Env = environment ?? [], Wait = wait };
        try
        {
            return Require(Call(request).Job);
        }
        catch (UpstartException e) when (e.Code == UpstartErrorCode.ReExecuted)
        {
            return Require(AwaitAfterReExec(request).Job);
        }
    }

    /// <summary>As <see cref="UpstartClient"/>'s: the next program waits for the rest of a start/stop/restart or emit a re-exec cut.</summary>
    private ResponseFrame AwaitAfterReExec(RequestFrame cut)
    {
        var request = new RequestFrame { Op = Operations.Await, Resume = cut.Op, Job = cut.Job, Event = cut.Event, Env = cut.Env };
        while (true)
        {
            using var next = ConnectWhenAnswering(_options, UpstartClient.HandoverTimeout);
            try
            {
                return next.Call(request);
            }
            catch (UpstartException e) when (e.Code == UpstartErrorCode.ReExecuted)
            {
                // Another re-exec under the wait: the program after it takes over.
            }
        }
    }

    private ResponseFrame Call(RequestFrame request)
    {
        var response = Receive(Send(request));
        ThrowIfError(response);
        return response;
    }

    /// <summary>
    /// As <see cref="Send"/>, but false when the daemon, having answered the handshake, no longer reads (the send
    /// failed): it never read the request (docs/protocol.md, "Requests and streams across a re-exec").
    /// </summary>
    private bool TrySend(RequestFrame request, out long id)
    {
        try
        {
            id = Send(request);
            return true;
        }
        catch (UpstartException ex) when (ex.InnerException is SocketException)
        {
            id = 0;
            return false;
        }
    }

    private long Send(RequestFrame request)
    {
        request.Id = ++_lastId;
        try
        {
            _frames.Queue(request, DirectFrameCodec.WriteRequest);
            if (!_helloAnswered)
            {
                _sentBeforeHello.Add(request);
            }

            _frames.Flush();
        }
        catch (FrameException ex)
        {
            throw new UpstartException(UpstartErrorCode.BadRequest, ex.Message, ex);
        }
        catch (SocketException ex) when (_helloAnswered)
        {
            throw Lost(ex);
        }
        catch (SocketException)
        {
            // Before the handshake: a daemon over its connection limit answers at once and closes before our
            // hello arrives; Receive reads that answer, which says why (TooManyConnections).
        }

        return request.Id;
    }

    /// <summary>The next frame for request <paramref name="id"/>; the daemon's hello first if it has not come yet.</summary>
    private ResponseFrame Receive(long id)
    {
        try
        {
            ReadHello();
            while (true)
            {
                var payload = ReadFrame(null).Span;
                var frame = DirectFrameCodec.TryReadResponse(payload, out var direct) ? direct : JsonSerializer.Deserialize(payload, Json.ResponseFrame);
                if (frame is not null && (frame.Id == id || frame.Id == 0))
                {
                    // Id 0 is the daemon's answer to a frame it could not read at all (docs/protocol.md, Errors).
                    return frame;
                }
            }
        }
        catch (SocketException ex) when (!_helloAnswered && ex.SocketErrorCode == SocketError.TimedOut)
        {
            throw ConnectionErrors.NotConnected(SocketPath, $"the daemon did not answer within {_options.ConnectTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is SocketException or FrameException or JsonException)
        {
            throw Lost(ex);
        }
    }

    /// <summary>Sends the hello held back for the first request and reads the daemon's answer to it.</summary>
    private void AwaitHello()
    {
        try
        {
            _frames.Flush();
        }
        catch (SocketException)
        {
            // Closed before our hello arrived: the answer, if any, says why.
        }

        try
        {
            ReadHello();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
        {
            throw ConnectionErrors.NotConnected(SocketPath, $"the daemon did not answer within {_options.ConnectTimeout.TotalSeconds:0.#} s", ex);
        }
        catch (Exception ex) when (ex is SocketException or FrameException or JsonException)
        {
            throw ConnectionErrors.NotConnected(SocketPath, ex.Message, ex);
        }
    }

    private void ReadHello()
    {
        if (_helloAnswered)
        {
            return;
        }

        ReadOnlyMemory<byte> hello;
        while (!TryReadHello(out hello))
        {
            // Closed without answering our hello, so nothing sent with it was read: a daemon handing over to its next
            // program at a re-exec (docs/protocol.md, "Requests and streams across a re-exec"). Again, within the connect timeout.
            if (Stopwatch.GetTimestamp() >= _handshakeDeadline)
            {
                throw ConnectionErrors.NotConnected(SocketPath, "the daemon closed the connection during the handshake");
            }

            Thread.Sleep(5);
            Reconnect();
        }

        _sentBeforeHello.Clear();
        var answer = DirectFrameCodec.TryReadServerHello(hello.Span, out var direct) ? direct : JsonSerializer.Deserialize(hello.Span, Json.ServerHello);
        Handshake.Check(answer ?? throw ConnectionErrors.NotConnected(SocketPath, "the daemon sent an empty handshake"), SocketPath);
        _helloAnswered = true;

        // Past the handshake a wait is the command's own (a start waits for its job): no bound.
        _socket.ReceiveTimeout = TimeSpan.Zero;
        _socket.SendTimeout = TimeSpan.Zero;
    }

    private bool TryReadHello(out ReadOnlyMemory<byte> hello)
    {
        try
        {
            var frame = _frames.Read();
            hello = frame ?? default;
            return frame is not null;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with our hello unread.
            hello = default;
            return false;
        }
    }

    /// <summary>A new connection for one the daemon closed before answering the hello, with the hello and requests sent again.</summary>
    private void Reconnect()
    {
        BlockingUnixSocket socket;
        try
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _handshakeDeadline);
            socket = BlockingUnixSocket.Connect(SocketPath, AtLeastOneMillisecond(left));
        }
        catch (SocketException ex)
        {
            throw ConnectionErrors.NotConnected(SocketPath, ConnectionErrors.Describe(ex), ex);
        }

        if (socket.PeerUid is { } daemonUid && ConnectionErrors.NotOurDaemon(SocketPath, daemonUid, ControlSocketPaths.CurrentUid()) is { } notOurs)
        {
            socket.Dispose();
            throw notOurs;
        }

        _frames.Dispose();
        _socket.Dispose();
        _socket = socket;
        _frames = new BlockingFrameStream(socket, FrameFormat.MaxRequestBytes, FrameFormat.MaxResponseBytes);
        _frames.Queue(Handshake.Hello(_options.ClientName), DirectFrameCodec.WriteHello);
        foreach (var request in _sentBeforeHello)
        {
            _frames.Queue(request, DirectFrameCodec.WriteRequest);
        }

        try
        {
            _frames.Flush();
        }
        catch (SocketException)
        {
            // As at the first try: the answer, if any, says why.
        }
    }

    private ReadOnlyMemory<byte> ReadFrame(UpstartException? atEnd) =>
        _frames.Read() ?? throw atEnd ?? new UpstartException(UpstartErrorCode.NotConnected, $"The daemon at {SocketPath} closed the connection");

    private UpstartException Lost(Exception ex) => Answers.Lost(SocketPath, ex);

    /// <summary>A socket timeout of 0 means none: a bound given as 0 or less is the smallest real one instead.</summary>
    private static TimeSpan AtLeastOneMillisecond(TimeSpan timeout) =>
        timeout < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : timeout;
}
