using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol;

/// <summary>Stable error codes carried in error replies; front ends map them to their own forms.</summary>
public enum UpstartErrorCode
{
    Unknown,
    BadRequest,
    AccessDenied,
    NotConnected,
    ProtocolMismatch,
    UnknownJob,
    UnknownInstance,
    AlreadyRunning,
    AlreadyStopped,
    JobFailedToStart,
    JobFailedWhileStopping,
    JobNotRunning,
    EventFailed,
    BadEnvironment,
    UnknownParameter,
    ShuttingDown,
    Timeout,

    /// <summary>The job's pre-restart check failed; <see cref="UpstartException.CheckFailure"/> says how.</summary>
    CheckFailed,

    /// <summary>A pre-restart check of the instance is already running.</summary>
    CheckInProgress,

    /// <summary>The connection was over a limit (the daemon's, or the user's share) and closed at once, in its hello's place.</summary>
    TooManyConnections,

    /// <summary>
    /// A stream the daemon handed over at a re-exec could not be carried on without a gap (its next program did
    /// not keep every event since it started, or the resume came too late).
    /// </summary>
    ResumeFailed,

    /// <summary>get-env: the variable is not in the environment table asked about (initctl's "No such variable").</summary>
    UnknownVariable,

    /// <summary>
    /// A start, stop or restart that waited was carried out, but the daemon re-executed before the job got where the
    /// request waits for; the error frame's `resume` names the request, and `await` to the next program waits for the
    /// rest (both clients do it themselves: docs/protocol.md, "Requests and streams across a re-exec").
    /// </summary>
    ReExecuted,

    /// <summary>
    /// Client side, never on the wire: the socket's listener runs as neither root nor the caller, so it is not a daemon
    /// that would serve this user (perhaps another user's program on a path this user may take); nothing was sent.
    /// </summary>
    UntrustedDaemon,
}

/// <summary>An error reply from the daemon (Message is initctl's text), or a connection failure.</summary>
public sealed class UpstartException : Exception
{
    public UpstartException(UpstartErrorCode code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    /// <summary>A <see cref="UpstartErrorCode.CheckFailed"/> error with the check's status and output.</summary>
    public UpstartException(string message, CheckFailureInfo checkFailure, Exception? inner = null)
        : base(message, inner)
    {
        Code = UpstartErrorCode.CheckFailed;
        CheckFailure = checkFailure;
    }

    public UpstartException()
        : this(UpstartErrorCode.Unknown, "Upstart error")
    {
    }

    public UpstartException(string message)
        : this(UpstartErrorCode.Unknown, message)
    {
    }

    public UpstartException(string message, Exception inner)
        : this(UpstartErrorCode.Unknown, message, inner)
    {
    }

    public UpstartErrorCode Code { get; }

    /// <summary>Set with <see cref="UpstartErrorCode.CheckFailed"/>: how the job's pre-restart check failed.</summary>
    public CheckFailureInfo? CheckFailure { get; }
}
