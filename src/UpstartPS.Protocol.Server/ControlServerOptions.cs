using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>Where and how <see cref="ControlServer"/> listens, and the limits that keep one client from hurting the others.</summary>
public sealed class ControlServerOptions
{
    /// <summary>The socket to create; a stale one left by a dead daemon is replaced, a live one is an error.</summary>
    public required string SocketPath { get; init; }

    public DaemonMode Mode { get; init; } = DaemonMode.System;

    /// <summary>Announced in the handshake.</summary>
    public string DaemonVersion { get; init; } = typeof(ControlServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Null: system mode lets root change things, session mode serves only this process's uid.</summary>
    public ControlAuthorization? Authorization { get; init; }

    /// <summary>Mode of the socket's directory when it has to be created. Null: 0755 in system mode, 0700 in session mode.</summary>
    public UnixFileMode? DirectoryMode { get; init; }

    /// <summary>Mode of the socket file. Null: 0666 in system mode (authorisation is by peer credentials), 0600 in session mode.</summary>
    public UnixFileMode? SocketMode { get; init; }

    /// <summary>
    /// A socket already listening at <see cref="SocketPath"/>, which the server takes instead of creating one: the
    /// one the daemon's previous program listened on before it re-executed, kept open across the exec so that
    /// clients connecting meanwhile wait in its backlog instead of finding no socket.
    /// </summary>
    public System.Net.Sockets.Socket? Listener { get; init; }

    /// <summary>Where the daemon asks open streams to end with a resume point (re-exec); null: streams just close with the connection.</summary>
    public StreamHandover? Handover { get; init; }

    /// <summary>Connections beyond this are closed as soon as they are accepted, but for <see cref="RootConnectionReserve"/> more of root's.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary>Connections root may open past <see cref="MaxConnections"/>, so other users together cannot lock the administrator out.</summary>
    public int RootConnectionReserve { get; init; } = 64;

    /// <summary>Connections one non-root uid may hold at once, so one user cannot lock everyone else out.</summary>
    public int MaxConnectionsPerUser { get; init; } = 64;

    /// <summary>Requests one connection may have in flight; more are refused with BadRequest.</summary>
    public int MaxRequestsInFlight { get; init; } = 64;

    /// <summary>A client must complete the handshake within this time or it is disconnected.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a frame may wait for a client that does not read before the connection is dropped.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After the handshake, a connection with no request in flight that completes no frame for this long is closed.
    /// A connection waiting on a request (a watch, a followed log, a start that takes minutes) is never idle.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bytes of answers one connection may have waiting to be sent; a client that lets more pile up is dropped.</summary>
    public long MaxQueuedBytesPerConnection { get; init; } = 4L * 1024 * 1024;

    /// <summary>The same, over all the connections of one non-root uid (root is bounded per connection only).</summary>
    public long MaxQueuedBytesPerUser { get; init; } = 32L * 1024 * 1024;

    public int MaxRequestBytes { get; init; } = FrameFormat.MaxRequestBytes;

    public int MaxResponseBytes { get; init; } = FrameFormat.MaxResponseBytes;

    /// <summary>Malformed requests in a row after which the connection is closed (each one gets an error reply).</summary>
    public int MaxConsecutiveBadRequests { get; init; } = 16;

    /// <summary>
    /// Receives what went wrong with clients and handler faults (message, exception); the daemon routes it to its log.
    /// Called from any thread, possibly concurrently.
    /// </summary>
    public Action<string, Exception?>? Log { get; init; }

    /// <summary>
    /// Of the warnings about a non-root user's clients (<see cref="Log"/>), one is logged per this interval for each
    /// uid; the rest are counted into the next one logged (docs/protocol.md, "Limits"). Zero: every one is logged.
    /// </summary>
    public TimeSpan PeerWarningInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Receives what is routine, not a problem: a client that left before its answers were written or read (a
    /// broken pipe or a reset: a monitor killed by its own timeout, a script that asks and exits). Every such
    /// client said as a warning would fill the journal; the daemon logs it at debug. Unset: not said at all.
    /// </summary>
    public Action<string>? LogRoutine { get; init; }

    /// <summary>
    /// Called (from any thread) each time a connection has ended and been let go: the daemon's cue that what a
    /// burst of clients allocated may be garbage now (its quiet collection).
    /// </summary>
    public Action? ConnectionClosed { get; init; }

    /// <summary>
    /// Whether a request answered at once (status of one job) is answered on the runtime's socket thread, with no
    /// hand-over to a pool worker (issue 11); everything else on the connection leaves that thread first
    /// (<see cref="Wire.SocketThread"/>). False: every completion goes through the pool, as for any socket.
    /// </summary>
    public bool InlineCompletions { get; init; } = true;
}
