namespace UpstartPS.Errors;

/// <summary>
/// The exception inside every ErrorRecord the module writes, carrying the job it concerns (as
/// ServiceCommandException carries ServiceName) so `$Error[0].Exception.JobName` answers "which one".
/// </summary>
public sealed class UpstartCommandException : Exception
{
    public UpstartCommandException()
    {
    }

    public UpstartCommandException(string message)
        : base(message)
    {
    }

    public UpstartCommandException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public UpstartCommandException(string message, string? jobName, Exception? innerException = null)
        : base(message, innerException) => JobName = jobName;

    public string? JobName { get; }
}
