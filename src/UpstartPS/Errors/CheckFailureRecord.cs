using System.Management.Automation;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Errors;

/// <summary>
/// The error for a restart or reload the job's pre-restart check refused: ErrorId JobCheckFailed, an
/// <see cref="UpstartCheckFailedException"/>, the <see cref="UpstartCheckFailure"/> as TargetObject, and
/// ErrorDetails whose message carries the check's last lines (so the default error view prints them) and
/// whose recommended action says the old process is still running. Described as plain data first (unit
/// tests run against PowerShell's reference assembly), then made into the ErrorRecord.
/// </summary>
public sealed record CheckFailureRecord(UpstartCheckFailedException Exception, UpstartCheckFailure Target, string Details, string RecommendedAction)
{
    public const string ErrorId = "JobCheckFailed";

    public const ErrorCategory Category = ErrorCategory.InvalidResult;

    public static CheckFailureRecord Describe(UpstartException exception, CheckFailureInfo check)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(check);
        var failure = new UpstartCheckFailure(check);
        var message = $"'{failure}': {exception.Message}";
        var details = failure.Output.Length == 0 ? message : message + Environment.NewLine + string.Join(Environment.NewLine, failure.Output);
        return new CheckFailureRecord(
            new UpstartCheckFailedException(message, failure, exception),
            failure,
            details,
            "The running process was left as it was. Fix what the check reports (see Output, or Get-UpstartLog), then try again.");
    }

    public ErrorRecord ToErrorRecord() => new(Exception, ErrorId, Category, Target)
    {
        ErrorDetails = new ErrorDetails(Details) { RecommendedAction = RecommendedAction },
    };
}
