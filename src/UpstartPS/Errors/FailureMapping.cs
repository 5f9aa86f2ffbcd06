using System.Management.Automation;
using System.Net.Sockets;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Errors;

/// <summary>
/// Maps what went wrong to PowerShell's vocabulary. Plain .NET (only the ErrorCategory enum from
/// PowerShell) so every mapping is unit-tested. The ids are a public contract: scripts and Pester
/// match on them, so never rename one.
/// </summary>
public static class FailureMapping
{
    /// <summary>How to reach a daemon; appended to every "cannot reach" message.</summary>
    public const string HowToReach =
        "Start a session daemon with 'upstart-host --session' (or './build.ps1 -Task Run'), start the system daemon with 'sudo systemctl start upstartps', " +
        "or point -SocketPath or $env:UPSTARTPS_SOCKET at its control socket.";

    /// <summary>How to get permission; sudo does not work inside a remote session, so it names the group instead.</summary>
    public const string HowToGetAccess =
        "Changing jobs needs root or membership of the daemon's admin group (ask an administrator to add you); a session daemon serves only its own user.";

    private const string VariableNotFoundId = "NoVariableFoundForGivenName";

    /// <summary>A daemon's error reply, for the job (or event) <paramref name="target"/>.</summary>
    public static UpstartFailure FromCode(UpstartErrorCode code, string message, string? target = null)
    {
        var what = target is null ? "" : $"'{target}': ";
        return code switch
        {
            UpstartErrorCode.AccessDenied => new("AccessDenied", ErrorCategory.PermissionDenied, true, $"{what}{Sentence(message)} {HowToGetAccess}"),
            UpstartErrorCode.NotConnected => new("DaemonNotReachable", ErrorCategory.ConnectionError, true, $"{Sentence(message)} {HowToReach}"),
            // Its own advice (remove the socket, name the right one) is all there is to say: no daemon is to be started.
            UpstartErrorCode.UntrustedDaemon => new("DaemonNotTrusted", ErrorCategory.SecurityError, true, message),
            UpstartErrorCode.ProtocolMismatch => new("ProtocolMismatch", ErrorCategory.ProtocolError, true,
                $"{message} The module and the daemon speak different protocol versions: install matching versions."),
            UpstartErrorCode.ShuttingDown => new("DaemonShuttingDown", ErrorCategory.ResourceUnavailable, true, $"{Sentence(message)} {HowToReach}"),
            UpstartErrorCode.UnknownJob => new("NoJobFoundForGivenName", ErrorCategory.ObjectNotFound, false, $"{what}{message}"),
            UpstartErrorCode.UnknownInstance => new("NoInstanceFoundForGivenName", ErrorCategory.ObjectNotFound, false, $"{what}{message}"),
            UpstartErrorCode.UnknownVariable => new(VariableNotFoundId, ErrorCategory.ObjectNotFound, false, $"{what}{message}"),
            UpstartErrorCode.AlreadyRunning => new("JobAlreadyRunning", ErrorCategory.ResourceExists, false, $"{what}{message}"),
            UpstartErrorCode.AlreadyStopped => new("JobAlreadyStopped", ErrorCategory.InvalidOperation, false, $"{what}{message}"),
            UpstartErrorCode.JobFailedToStart => new("JobFailedToStart", ErrorCategory.OpenError, false, $"{what}{message}"),
            UpstartErrorCode.JobFailedWhileStopping => new("JobFailedToStop", ErrorCategory.CloseError, false, $"{what}{message}"),
            UpstartErrorCode.JobNotRunning => new("JobNotRunning", ErrorCategory.InvalidOperation, false, $"{what}{message}"),
            UpstartErrorCode.EventFailed => new("EventFailed", ErrorCategory.InvalidResult, false, $"{what}{message}"),
            UpstartErrorCode.BadEnvironment => new("InvalidEnvironment", ErrorCategory.InvalidArgument, false, $"{what}{message}"),
            UpstartErrorCode.UnknownParameter => new("UnknownParameter", ErrorCategory.InvalidArgument, false, $"{what}{message}"),
            UpstartErrorCode.BadRequest => new("BadRequest", ErrorCategory.InvalidArgument, false, $"{what}{message}"),
            UpstartErrorCode.CheckFailed => new(CheckFailureRecord.ErrorId, ErrorCategory.InvalidResult, false, $"{what}{message}"),
            UpstartErrorCode.CheckInProgress => new("JobCheckInProgress", ErrorCategory.ResourceBusy, false, $"{what}{message}"),
            UpstartErrorCode.Timeout => new("OperationTimedOut", ErrorCategory.OperationTimeout, false, $"{what}{message}"),
            UpstartErrorCode.ResumeFailed => new("StreamNotResumed", ErrorCategory.ResourceUnavailable, false, $"{what}{message}. Start the command again to carry on from now."),
            UpstartErrorCode.TooManyConnections => new("TooManyConnections", ErrorCategory.LimitsExceeded, true, $"{message}: close some (a Watch-UpstartEvent or Get-UpstartLog -Wait elsewhere?) and try again."),
            _ => new("UpstartError", ErrorCategory.NotSpecified, false, $"{what}{message}"),
        };
    }

    /// <summary>
    /// <paramref name="message"/> ended as a sentence, so the advice after it reads as the next one: the daemon's and the
    /// socket layer's messages carry no full stop ("The daemon is shutting down", "Connection refused").
    /// </summary>
    internal static string Sentence(string message) =>
        message.Length == 0 || message[^1] is '.' or '!' or '?' ? message : message + ".";

    /// <summary>Any exception met while talking to the daemon at <paramref name="socketPath"/>.</summary>
    public static UpstartFailure FromException(Exception exception, string socketPath, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            // The client wraps connect failures; the socket error inside says which of them it was.
            UpstartException { Code: UpstartErrorCode.NotConnected, InnerException: SocketException socket } => FromSocket(socket, socketPath),
            UpstartException upstart => FromCode(upstart.Code, upstart.Message, target),
            SocketException socket => FromSocket(socket, socketPath),
            UnauthorizedAccessException => AccessDenied(socketPath),
            FileNotFoundException or DirectoryNotFoundException => NotRunning(socketPath),
            IOException io => new("DaemonConnectionLost", ErrorCategory.ConnectionError, true,
                $"The connection to the Upstart daemon at '{socketPath}' failed: {Sentence(io.Message)} {HowToReach}"),
            TimeoutException => new("OperationTimedOut", ErrorCategory.OperationTimeout, false,
                target is null ? "The operation timed out." : $"'{target}': the operation timed out."),
            ArgumentException argument => new("InvalidArgument", ErrorCategory.InvalidArgument, false, argument.Message),
            _ => new("UpstartError", ErrorCategory.NotSpecified, false, (target is null ? "" : $"'{target}': ") + exception.Message),
        };
    }

    /// <summary>
    /// A failure while reading <paramref name="target"/>'s log. The daemon refuses one job's log to users other
    /// than its own and administrators (docs/protocol.md `logAccess`): that is this job's failure, not the end of
    /// the command, so the other jobs' logs are still read.
    /// </summary>
    public static UpstartFailure FromLogException(Exception exception, string socketPath, string target) =>
        exception is UpstartException { Code: UpstartErrorCode.AccessDenied } refused
            ? new("LogAccessDenied", ErrorCategory.PermissionDenied, false, $"'{target}': {refused.Message}")
            : FromException(exception, socketPath, target);

    /// <summary>A literal name that matched no job: non-terminating, as Get-Service's NoServiceFoundForGivenName.</summary>
    public static UpstartFailure JobNotFound(string name) =>
        new("NoJobFoundForGivenName", ErrorCategory.ObjectNotFound, false, $"Cannot find any Upstart job with name '{name}'.");

    /// <summary>
    /// The daemon's LastFailure (`main status=7`, `pre-start signal=KILL`, `main`, `respawn`) as words for an error
    /// message: "main process: status 7", "pre-start process: signal KILL", "main process could not be started",
    /// "respawn limit reached". Null for nothing to say.
    /// </summary>
    public static string? DescribeLastFailure(string? lastFailure)
    {
        if (string.IsNullOrWhiteSpace(lastFailure))
        {
            return null;
        }

        var parts = lastFailure.Trim().Split(' ', 2);
        if (parts.Length == 1)
        {
            return parts[0] == "respawn" ? "respawn limit reached" : $"{parts[0]} process could not be started";
        }

        var detail = parts[1].Split('=', 2);
        return detail.Length == 2 && detail[0] is "status" or "signal"
            ? $"{parts[0]} process: {detail[0]} {detail[1]}"
            : $"{parts[0]} process: {parts[1]}";
    }

    /// <summary>
    /// <paramref name="failure"/> (a start that failed) with the reason the daemon keeps in the job's LastFailure
    /// appended: "Job failed to start (main process: status 7)". The instance's own row first, else the job's.
    /// Unchanged when no row of the job has a LastFailure.
    /// </summary>
    public static UpstartException WithLastFailure(UpstartException failure, IEnumerable<JobInfo> jobs, string name, string instance)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(jobs);
        var rows = jobs.Where(j => j.Name == name && j.LastFailure is not null).ToList();
        var row = rows.FirstOrDefault(j => j.Instance == instance) ?? rows.FirstOrDefault();
        return DescribeLastFailure(row?.LastFailure) is { } reason
            ? new UpstartException(failure.Code, $"{failure.Message} ({reason})", failure)
            : failure;
    }

    /// <summary>
    /// A literal variable name that is not set in the table asked about: non-terminating, as Get-Service's
    /// NoServiceFoundForGivenName; the daemon's UnknownVariable ("No such variable") maps to the same id.
    /// </summary>
    public static UpstartFailure VariableNotFound(string name, string scope) =>
        new(VariableNotFoundId, ErrorCategory.ObjectNotFound, false, $"Cannot find an environment variable with name '{name}' in {scope}.");

    /// <summary>
    /// A system daemon's refusal of set-env, unset-env or reset-env: it refuses them even to root, as Upstart 1.13.2
    /// refuses them to PID 1, so the usual "ask for the admin group" advice would mislead. Terminating: every other
    /// change would be refused alike.
    /// </summary>
    public static UpstartFailure EnvironmentChangeRefused(string message) =>
        new("AccessDenied", ErrorCategory.PermissionDenied, true,
            $"{message}: a system daemon's job environment cannot be changed, not even by root (Upstart refuses it to PID 1). " +
            "Give jobs their variables with env stanzas in their job files instead.");

    /// <summary>A variable name (or VAR=VALUE entry) the daemon would refuse: the same id as its BadEnvironment.</summary>
    public static UpstartFailure InvalidVariable(string problem) =>
        new("InvalidEnvironment", ErrorCategory.InvalidArgument, false, problem);

    /// <summary>A literal -Instance the job does not have: non-terminating, like a literal name that matches no job.</summary>
    public static UpstartFailure InstanceNotFound(string job, string instance) =>
        new("NoInstanceFoundForGivenName", ErrorCategory.ObjectNotFound, false, $"Cannot find instance '{instance}' of Upstart job '{job}'.");

    /// <summary>
    /// A start, stop or restart whose -Timeout ran out: the limit and where the job had got to, as WaitTimedOut says
    /// its limit. <paramref name="state"/> and <paramref name="goal"/> are null when the job could not be read again.
    /// </summary>
    public static UpstartFailure OperationTimedOut(string target, string verb, TimeSpan timeout, string? state, string? goal)
    {
        var reached = state is null ? "" : $"; it is in state '{state}' (goal {goal})";
        return new("OperationTimedOut", ErrorCategory.OperationTimeout, false,
            $"'{target}' did not {verb} within {timeout.TotalSeconds:0.###} seconds{reached}.");
    }

    /// <summary>A job was asked to reach a state and the time ran out.</summary>
    public static UpstartFailure WaitTimedOut(string target, string state, TimeSpan timeout) =>
        new("WaitTimedOut", ErrorCategory.OperationTimeout, false,
            $"'{target}' did not reach state '{state}' within {timeout.TotalSeconds:0.###} seconds.");

    /// <summary>
    /// The daemon accepted a re-exec but its old program still held the connection when the time ran out: the
    /// exec failed and the old program carries on (its log says why). Not fatal: the daemon still answers.
    /// </summary>
    public static UpstartFailure ReExecNotDone(string socketPath, TimeSpan timeout) =>
        new("DaemonReExecFailed", ErrorCategory.OperationTimeout, false,
            $"The Upstart daemon at '{socketPath}' accepted the re-exec but was still running its old program after {timeout.TotalSeconds:0.###} seconds; " +
            "the exec probably failed (the daemon's log says why). Its jobs keep running.");

    /// <summary>The old program let go of the connection for its re-exec, but nothing answered again in time: the daemon is unreachable.</summary>
    public static UpstartFailure NotBackAfterReExec(string socketPath, TimeSpan timeout) =>
        new("DaemonNotBackAfterReExec", ErrorCategory.ConnectionError, true,
            $"The Upstart daemon at '{socketPath}' began its re-exec but did not answer again within {timeout.TotalSeconds:0.###} seconds (the daemon's log says why). {HowToReach}");

    private static UpstartFailure FromSocket(SocketException socket, string socketPath) => socket.SocketErrorCode switch
    {
        SocketError.AccessDenied => AccessDenied(socketPath),
        SocketError.AddressNotAvailable or SocketError.HostNotFound => NotRunning(socketPath),
        // connect(2) refuses a regular file or a directory as it refuses a socket nobody listens on: say which.
        SocketError.ConnectionRefused when SocketFileKind.NotASocket(socketPath) is { } kind => new("DaemonNotReachable", ErrorCategory.ConnectionError, true,
            $"'{socketPath}' is {kind}, not a socket: no Upstart daemon can be reached there. {HowToReach}"),
        SocketError.ConnectionRefused => new("DaemonNotReachable", ErrorCategory.ConnectionError, true,
            $"The Upstart daemon at '{socketPath}' refused the connection (the socket exists but nobody is listening). {HowToReach}"),
        _ => new("DaemonNotReachable", ErrorCategory.ConnectionError, true,
            $"Cannot reach the Upstart daemon at '{socketPath}': {Sentence(socket.Message)} {HowToReach}"),
    };

    private static UpstartFailure NotRunning(string socketPath) =>
        new("DaemonNotRunning", ErrorCategory.ResourceUnavailable, true,
            $"No Upstart daemon is listening at '{socketPath}'. {HowToReach}");

    private static UpstartFailure AccessDenied(string socketPath) =>
        new("AccessDenied", ErrorCategory.PermissionDenied, true,
            $"Access to the Upstart daemon's socket '{socketPath}' was denied. {HowToGetAccess}");
}
