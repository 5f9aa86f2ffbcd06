namespace UpstartPS.Errors;

/// <summary>
/// The exception inside a JobCheckFailed error record: a restart or reload the job's pre-restart check
/// refused. <see cref="Failure"/> carries the exit status and the check's last output lines, so a script can
/// <c>catch [UpstartPS.Errors.UpstartCheckFailedException]</c> and print them.
/// </summary>
public sealed class UpstartCheckFailedException : Exception
{
    public UpstartCheckFailedException()
    {
    }

    public UpstartCheckFailedException(string message)
        : base(message)
    {
    }

    public UpstartCheckFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public UpstartCheckFailedException(string message, UpstartCheckFailure failure, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    public UpstartCheckFailure? Failure { get; }

    /// <summary>The job, as on <see cref="UpstartCommandException.JobName"/>.</summary>
    public string? JobName => Failure?.Name;

    public int? ExitStatus => Failure?.ExitStatus;

    public string? ExitSignal => Failure?.ExitSignal;

    public string[] Output => Failure?.Output ?? [];
}
