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
}

/// <summary>An error reply from the daemon (Message is initctl's text), or a connection failure.</summary>
public sealed class UpstartException : Exception
{
    public UpstartException(UpstartErrorCode code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

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
}
