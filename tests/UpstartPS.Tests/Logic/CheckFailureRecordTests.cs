using System.Management.Automation;
using UpstartPS.Errors;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

/// <summary>The JobCheckFailed error as data; tests/Pester/PreRestart.Tests.ps1 checks the ErrorRecord a real pwsh gets.</summary>
public sealed class CheckFailureRecordTests
{
    private static readonly CheckFailureInfo Check = new()
    {
        Job = "nginx",
        Result = "failed",
        ExitStatus = 1,
        Output = ["unknown directive \"lisen\"", "test failed"],
    };

    private static CheckFailureRecord Describe() =>
        CheckFailureRecord.Describe(new UpstartException("Job not restarted: nginx pre-restart check terminated with status 1", Check), Check);

    [Fact]
    public void The_error_has_a_stable_id_and_a_typed_exception_with_the_status_and_lines()
    {
        var record = Describe();

        Assert.Equal(("JobCheckFailed", ErrorCategory.InvalidResult), (CheckFailureRecord.ErrorId, CheckFailureRecord.Category));
        var exception = record.Exception;
        Assert.Equal(("nginx", (int?)1, (string?)null), (exception.JobName, exception.ExitStatus, exception.ExitSignal));
        Assert.Equal(["unknown directive \"lisen\"", "test failed"], exception.Output);
        Assert.Equal(UpstartErrorCode.CheckFailed, Assert.IsType<UpstartException>(exception.InnerException).Code);
    }

    [Fact]
    public void The_target_carries_the_failure_and_the_details_print_the_lines()
    {
        var record = Describe();

        Assert.Equal(("nginx", "failed", (int?)1), (record.Target.Name, record.Target.Result, record.Target.ExitStatus));
        Assert.Same(record.Target, record.Exception.Failure);
        Assert.Equal(
            "'nginx': Job not restarted: nginx pre-restart check terminated with status 1" + Environment.NewLine +
            "unknown directive \"lisen\"" + Environment.NewLine + "test failed",
            record.Details);
        Assert.Contains("left as it was", record.RecommendedAction, StringComparison.Ordinal);
    }
}
