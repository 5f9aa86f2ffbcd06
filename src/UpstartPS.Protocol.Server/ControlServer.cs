using System.Collections.Concurrent;
using System.Net.Sockets;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// The daemon's end of the control socket: listens, accepts, checks peer credentials and serves each
/// connection on its own task, handing requests to an <see cref="IControlHandler"/>. A slow or hostile
/// client only ever costs its own connection.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly IControlHandler _handler;
    private readonly ControlServerOptions _options;
    private readonly ControlAuthorization _authorization;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<ControlConnection, Task> _connections = new();
    private readonly Dictionary<uint, UserShare> _users = [];
    private readonly PeerWarnings _warnings;
    private Socket? _listener;
    private Task? _acceptLoop;
    private int _stopped;
    private long _closedPeakQueuedBytes;

    public ControlServer(IControlHandler handler, ControlServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        _handler = handler;
        _options = options;
        _warnings = new PeerWarnings(options.Log, options.PeerWarningInterval);
        _authorization = options.Authorization ?? (options.Mode == DaemonMode.Session
            ? ControlAuthorization.ForSession(ControlSocketPaths.CurrentUid())
            : ControlAuthorization.ForSystem());
    }

    public string SocketPath => _options.SocketPath;

    /// <summary>Connections currently being served.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>
    /// Creates the socket and starts accepting. When this returns the socket exists and clients can connect.
    /// Throws <see cref="InvalidOperationException"/> if another daemon is already listening on the path.
    /// </summary>
    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The control server has already been started");
        }

        _listener = _options.Listener ?? SocketFile.Listen(_options);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>
    /// The listening socket's descriptor, for the daemon to keep open across its re-exec (the next program takes it
    /// as <see cref="ControlServerOptions.Listener"/>); null before <see cref="Start"/>.
    /// </summary>
    public System.Runtime.InteropServices.SafeHandle? ListenerHandle => _listener?.SafeHandle;

    /// <summary>Stops accepting, ends every connection (their requests are cancelled) and removes the socket.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _listener is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }

        var everything = _connections.Values.Append(_acceptLoop ?? Task.CompletedTask);
        await Task.WhenAll(everything).WaitAsync(cancellationToken).ConfigureAwait(false);
        SocketFile.Remove(_options.SocketPath);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            if (_options.Handover?.UntilAbandoned() is { IsCompleted: false } handingOver)
            {
                // Handing the streams to the next program: connections made meanwhile wait in the backlog, which the
                // next program inherits and serves (or this one again, if the exec fails).
                await handingOver.WaitAsync(_stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            Socket socket;
            try
            {
                socket = await AcceptAsync(listener).ConfigureAwait(false);
            }
            catch (Exception ex) when (_stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The handover began: the connection is left in the backlog (above).
                continue;
            }
            catch (SocketException ex)
            {
                // Out of descriptors or memory: keep serving the connections we have and try again shortly.
                _options.Log?.Invoke($"Accepting a control connection failed: {ex.Message}", null);
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (_options.Handover is { InProgress: true })
            {
                // Accepted as the handover began: this program will read nothing from it, so the client must retry.
                socket.Dispose();
                continue;
            }

            if (_connections.Count >= _options.MaxConnections && !RootWithinReserve(socket))
            {
                var message = $"Too many connections: the daemon serves {_options.MaxConnections} at once";
                _warnings.Warn(PeerWarnings.UnknownPeer, $"Refusing a control connection: {_options.MaxConnections} already open", null);
                RefuseAtOnce(socket, message);
                continue;
            }

            Serve(socket);
        }
    }

    /// <summary>
    /// Root's connections may go <see cref="ControlServerOptions.RootConnectionReserve"/> past <see cref="ControlServerOptions.MaxConnections"/>: the
    /// per-uid share keeps one user from filling the table, but enough users (or services an attacker took) together
    /// could, and the administrator must still be able to reach the daemon to stop them.
    /// </summary>
    private bool RootWithinReserve(Socket socket) =>
        _connections.Count < _options.MaxConnections + _options.RootConnectionReserve && UnixPeer.TryRead(socket, out _, out var uid, out _) && uid == 0;

    /// <summary>The next connection; cancelled, without taking one from the backlog, when a handover begins or the server stops.</summary>
    private async ValueTask<Socket> AcceptAsync(Socket listener)
    {
        if (_options.Handover is not { } handover)
        {
            return await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, handover.StopTakingToken);
        return await listener.AcceptAsync(either.Token).ConfigureAwait(false);
    }

    /// <summary>Bytes of answers waiting to be sent, over every connection (tests check the bounds with it).</summary>
    internal long QueuedBytes => _connections.Keys.Sum(static c => c.QueuedBytes);

    /// <summary>The most answer bytes any one connection has had waiting at once, closed connections included.</summary>
    internal long PeakQueuedBytesPerConnection =>
        Math.Max(Interlocked.Read(ref _closedPeakQueuedBytes), _connections.Keys.Select(static c => c.PeakQueuedBytes).DefaultIfEmpty().Max());

    /// <summary>
    /// One user cannot take every connection slot (root is not limited: the daemon's own tools run as root),
    /// and the answers waiting for all of a user's connections share one byte budget.
    /// </summary>
    private bool TryCountConnection(uint uid, out SendBudget? userBudget)
    {
        userBudget = null;
        lock (_users)
        {
            if (!_users.TryGetValue(uid, out var share))
            {
                share = new UserShare(uid == 0 ? null : new SendBudget(_options.MaxQueuedBytesPerUser));
                _users[uid] = share;
            }
            else if (uid != 0 && share.Connections >= _options.MaxConnectionsPerUser)
            {
                return false;
            }

            share.Connections++;
            userBudget = share.Budget;
            return true;
        }
    }

    private void ForgetConnection(uint uid)
    {
        lock (_users)
        {
            if (--_users[uid].Connections == 0)
            {
                _users.Remove(uid);
            }
        }
    }

    private sealed class UserShare(SendBudget? budget)
    {
        public SendBudget? Budget { get; } = budget;

        public int Connections { get; set; }
    }

    private void NoteClosedPeak(long peak) => AtomicMaximum.Raise(ref _closedPeakQueuedBytes, peak);

    /// <summary>
    /// Closes a connection that is over a limit with the reason in its hello's place (an error hello, as a refused
    /// handshake gets), so the client can say why instead of "connection lost". One small frame into an empty
    /// socket buffer, sent without waiting: if it does not fit at once the client gets only the close. The
    /// client's own hello is not waited for.
    /// </summary>
    private void RefuseAtOnce(Socket socket, string message)
    {
        try
        {
            var answer = ControlConnection.Refusal(_options, UpstartErrorCode.TooManyConnections, message);
            var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(answer, ProtocolJsonContext.Default.ServerHello);
            var frame = new byte[FrameFormat.HeaderBytes + body.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
            body.CopyTo(frame, FrameFormat.HeaderBytes);
            socket.Blocking = false;
            _ = socket.Send(frame, SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The client went already, or its buffer is full: the close alone says it.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private void Serve(Socket socket)
    {
        ClientIdentity client;
        try
        {
            client = PeerCredentials.Read(socket);
        }
        catch (SocketException ex)
        {
            _options.Log?.Invoke($"Dropping a control connection without peer credentials: {ex.Message}", null);
            socket.Dispose();
            return;
        }

        if (!TryCountConnection(client.Uid, out var userBudget))
        {
            _warnings.Warn(client.Uid, $"Refusing a control connection from {client}: {_options.MaxConnectionsPerUser} already open for uid {client.Uid}", null);
            RefuseAtOnce(socket, $"Too many connections: uid {client.Uid} already has {_options.MaxConnectionsPerUser} open");
            return;
        }

        var connection = new ControlConnection(
            socket, client, _handler, _options, _authorization, userBudget, _warnings, _stopping.Token);
        var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _connections[connection] = served.Task;
        _ = Task.Run(async () =>
        {
            try
            {
                await connection.RunAsync().ConfigureAwait(false);
            }
            finally
            {
                // The peak first: between the two, a reader of PeakQueuedBytesPerConnection would find the connection
                // in neither place (a fresh-clone CI run read 0 there).
                NoteClosedPeak(connection.PeakQueuedBytes);
                _connections.TryRemove(connection, out _);
                ForgetConnection(client.Uid);
                connection.Dispose();
                _options.ConnectionClosed?.Invoke();
                served.SetResult();
            }
        });
    }
}
