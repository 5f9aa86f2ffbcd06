using System.Management.Automation;
using System.Net.Sockets;
using UpstartPS.Errors;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class FailureMappingTests
{
    [Theory]
    [InlineData(UpstartErrorCode.UnknownJob, "NoJobFoundForGivenName", ErrorCategory.ObjectNotFound)]
    [InlineData(UpstartErrorCode.UnknownInstance, "NoInstanceFoundForGivenName", ErrorCategory.ObjectNotFound)]
    [InlineData(UpstartErrorCode.UnknownVariable, "NoVariableFoundForGivenName", ErrorCategory.ObjectNotFound)]
    [InlineData(UpstartErrorCode.JobFailedToStart, "JobFailedToStart", ErrorCategory.OpenError)]
    [InlineData(UpstartErrorCode.JobFailedWhileStopping, "JobFailedToStop", ErrorCategory.CloseError)]
    [InlineData(UpstartErrorCode.JobNotRunning, "JobNotRunning", ErrorCategory.InvalidOperation)]
    [InlineData(UpstartErrorCode.ResumeFailed, "StreamNotResumed", ErrorCategory.ResourceUnavailable)]
    [InlineData(UpstartErrorCode.EventFailed, "EventFailed", ErrorCategory.InvalidResult)]
    [InlineData(UpstartErrorCode.BadEnvironment, "InvalidEnvironment", ErrorCategory.InvalidArgument)]
    [InlineData(UpstartErrorCode.Timeout, "OperationTimedOut", ErrorCategory.OperationTimeout)]
    [InlineData(UpstartErrorCode.AlreadyRunning, "JobAlreadyRunning", ErrorCategory.ResourceExists)]
    [InlineData(UpstartErrorCode.CheckFailed, "JobCheckFailed", ErrorCategory.InvalidResult)]
    [InlineData(UpstartErrorCode.CheckInProgress, "JobCheckInProgress", ErrorCategory.ResourceBusy)]
    public void Job_failures_are_per_item_errors_with_stable_ids(UpstartErrorCode code, string id, ErrorCategory category)
    {
        var failure = FailureMapping.FromCode(code, "boom", "web");
        Assert.Equal(id, failure.ErrorId);
        Assert.Equal(category, failure.Category);
        Assert.False(failure.Terminating);
        Assert.Contains("'web'", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UpstartErrorCode.AccessDenied, "AccessDenied", ErrorCategory.PermissionDenied)]
    [InlineData(UpstartErrorCode.NotConnected, "DaemonNotReachable", ErrorCategory.ConnectionError)]
    [InlineData(UpstartErrorCode.ProtocolMismatch, "ProtocolMismatch", ErrorCategory.ProtocolError)]
    [InlineData(UpstartErrorCode.ShuttingDown, "DaemonShuttingDown", ErrorCategory.ResourceUnavailable)]
    public void Failures_no_later_item_can_survive_terminate(UpstartErrorCode code, string id, ErrorCategory category)
    {
        var failure = FailureMapping.FromCode(code, "boom");
        Assert.Equal(id, failure.ErrorId);
        Assert.Equal(category, failure.Category);
        Assert.True(failure.Terminating);
    }

    [Theory]
    [InlineData(UpstartErrorCode.ShuttingDown, "The daemon is shutting down", "The daemon is shutting down. Start a session daemon")]
    [InlineData(UpstartErrorCode.NotConnected, "The daemon at /s closed the connection", "The daemon at /s closed the connection. Start a session daemon")]
    [InlineData(UpstartErrorCode.AccessDenied, "Access denied.", "Access denied. Changing jobs needs root")]
    public void The_daemons_message_ends_as_a_sentence_before_the_advice_that_follows_it(UpstartErrorCode code, string message, string expectedStart)
    {
        var failure = FailureMapping.FromCode(code, message);
        Assert.StartsWith(expectedStart, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_socket_error_ends_as_a_sentence_before_the_advice_that_follows_it()
    {
        var failure = FailureMapping.FromException(new IOException("Broken pipe"), "/run/x.sock");
        Assert.Contains("failed: Broken pipe. Start a session daemon", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_that_is_not_set_is_reported_as_Get_Service_reports_a_missing_service()
    {
        var failure = FailureMapping.VariableNotFound("HTTP_PROXY", "the environment of web");
        Assert.Equal("NoVariableFoundForGivenName", failure.ErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, failure.Category);
        Assert.False(failure.Terminating);
        Assert.Equal("Cannot find an environment variable with name 'HTTP_PROXY' in the environment of web.", failure.Message);
    }

    [Fact]
    public void A_system_daemon_refusing_an_environment_change_terminates_without_advising_to_get_access()
    {
        var failure = FailureMapping.EnvironmentChangeRefused("Not permissible to modify PID 1 job environment");
        Assert.Equal("AccessDenied", failure.ErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, failure.Category);
        Assert.True(failure.Terminating);
        Assert.StartsWith("Not permissible to modify PID 1 job environment", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("admin group", failure.Message, StringComparison.Ordinal);
        Assert.Contains("env stanza", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_refused_to_this_user_fails_only_that_job()
    {
        var refused = FailureMapping.FromLogException(
            new UpstartException(UpstartErrorCode.AccessDenied, "Access denied: reading this job's log needs root"), "/run/x.sock", "web");
        Assert.Equal("LogAccessDenied", refused.ErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, refused.Category);
        Assert.False(refused.Terminating);
        Assert.Equal("'web': Access denied: reading this job's log needs root", refused.Message);

        var unreachable = FailureMapping.FromLogException(new UpstartException(UpstartErrorCode.NotConnected, "gone"), "/run/x.sock", "web");
        Assert.True(unreachable.Terminating);
    }

    [Fact]
    public void Every_error_code_has_a_pascal_case_id() =>
        Assert.All(Enum.GetValues<UpstartErrorCode>(), code =>
        {
            var id = FailureMapping.FromCode(code, "m").ErrorId;
            Assert.Matches("^[A-Z][A-Za-z]+$", id);
        });

    [Fact]
    public void A_missing_socket_says_how_to_start_a_daemon()
    {
        var failure = FailureMapping.FromException(new SocketException((int)SocketError.AddressNotAvailable), "/run/x.sock");
        Assert.Equal("DaemonNotRunning", failure.ErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, failure.Category);
        Assert.True(failure.Terminating);
        Assert.Contains("/run/x.sock", failure.Message, StringComparison.Ordinal);
        Assert.Contains("upstart-host --session", failure.Message, StringComparison.Ordinal);
        Assert.Contains("UPSTARTPS_SOCKET", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_s_connect_failure_is_told_apart_by_its_socket_error()
    {
        var missing = new UpstartException(UpstartErrorCode.NotConnected, "Unable to connect", new SocketException((int)SocketError.AddressNotAvailable));
        Assert.Equal("DaemonNotRunning", FailureMapping.FromException(missing, "/s").ErrorId);
        var denied = new UpstartException(UpstartErrorCode.NotConnected, "Unable to connect", new SocketException((int)SocketError.AccessDenied));
        Assert.Equal("AccessDenied", FailureMapping.FromException(denied, "/s").ErrorId);
        var lost = new UpstartException(UpstartErrorCode.NotConnected, "connection lost");
        Assert.Equal(("DaemonNotReachable", true), (FailureMapping.FromException(lost, "/s").ErrorId, FailureMapping.FromException(lost, "/s").Terminating));
    }

    [Fact]
    public void A_refused_connection_terminates_as_a_connection_error()
    {
        var failure = FailureMapping.FromException(new SocketException((int)SocketError.ConnectionRefused), "/s");
        Assert.Equal("DaemonNotReachable", failure.ErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, failure.Category);
        Assert.True(failure.Terminating);
    }

    [Fact]
    public void A_refused_connection_to_a_file_or_directory_says_it_is_not_a_socket()
    {
        var directory = Directory.CreateTempSubdirectory("upstartps-not-a-socket-");
        try
        {
            var file = Path.Combine(directory.FullName, "plain");
            File.WriteAllText(file, "x");
            var refused = new SocketException((int)SocketError.ConnectionRefused);

            var onFile = FailureMapping.FromException(refused, file);
            var onDirectory = FailureMapping.FromException(refused, directory.FullName);

            Assert.Equal("DaemonNotReachable", onFile.ErrorId);
            Assert.Contains($"'{file}' is a regular file, not a socket", onFile.Message, StringComparison.Ordinal);
            Assert.Contains($"'{directory.FullName}' is a directory, not a socket", onDirectory.Message, StringComparison.Ordinal);
            Assert.Contains("nobody is listening", FailureMapping.FromException(refused, Path.Combine(directory.FullName, "absent")).Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("main status=7", "main process: status 7")]
    [InlineData("pre-start signal=KILL", "pre-start process: signal KILL")]
    [InlineData("main", "main process could not be started")]
    [InlineData("respawn", "respawn limit reached")]
    [InlineData(null, null)]
    [InlineData(" ", null)]
    public void The_daemon_s_last_failure_reads_as_words(string? lastFailure, string? expected) =>
        Assert.Equal(expected, FailureMapping.DescribeLastFailure(lastFailure));

    [Fact]
    public void A_failed_start_says_why_when_the_job_has_a_last_failure()
    {
        var failed = new UpstartException(UpstartErrorCode.JobFailedToStart, "Job failed to start");
        JobInfo[] jobs =
        [
            new() { Name = "other", LastFailure = "main status=1" },
            new() { Name = "failing", LastFailure = "main status=7" },
        ];

        var described = FailureMapping.WithLastFailure(failed, jobs, "failing", "");

        Assert.Equal("Job failed to start (main process: status 7)", described.Message);
        Assert.Equal(UpstartErrorCode.JobFailedToStart, described.Code);
        Assert.Equal("'failing': Job failed to start (main process: status 7)", FailureMapping.FromException(described, "/s", "failing").Message);
        Assert.Same(failed, FailureMapping.WithLastFailure(failed, [new() { Name = "failing" }], "failing", ""));
    }

    [Fact]
    public void A_failed_instance_start_prefers_the_instance_s_own_last_failure()
    {
        var failed = new UpstartException(UpstartErrorCode.JobFailedToStart, "Job failed to start");
        JobInfo[] jobs =
        [
            new() { Name = "worker", Instance = "a1", LastFailure = "main status=1" },
            new() { Name = "worker", Instance = "a2", LastFailure = "pre-start status=3" },
        ];

        Assert.EndsWith("(pre-start process: status 3)", FailureMapping.WithLastFailure(failed, jobs, "worker", "a2").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_denied_socket_terminates_and_names_the_admin_group_not_sudo()
    {
        foreach (var exception in new Exception[] { new SocketException((int)SocketError.AccessDenied), new UnauthorizedAccessException() })
        {
            var failure = FailureMapping.FromException(exception, "/s");
            Assert.Equal("AccessDenied", failure.ErrorId);
            Assert.Equal(ErrorCategory.PermissionDenied, failure.Category);
            Assert.True(failure.Terminating);
            Assert.Contains("admin group", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_daemon_reply_keeps_its_code_through_the_exception_path()
    {
        var failure = FailureMapping.FromException(new UpstartException(UpstartErrorCode.UnknownJob, "Unknown job: x"), "/s", "x");
        Assert.Equal("NoJobFoundForGivenName", failure.ErrorId);
        Assert.Contains("Unknown job: x", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeouts_and_bad_arguments_are_per_item()
    {
        var timeout = FailureMapping.FromException(new TimeoutException(), "/s", "web");
        Assert.Equal(("OperationTimedOut", ErrorCategory.OperationTimeout, false), (timeout.ErrorId, timeout.Category, timeout.Terminating));
        var argument = FailureMapping.FromException(new ArgumentException("bad"), "/s", "web");
        Assert.Equal(("InvalidArgument", ErrorCategory.InvalidArgument, false), (argument.ErrorId, argument.Category, argument.Terminating));
    }

    [Fact]
    public void A_lost_connection_terminates()
    {
        var failure = FailureMapping.FromException(new IOException("broken pipe"), "/s", "web");
        Assert.Equal("DaemonConnectionLost", failure.ErrorId);
        Assert.True(failure.Terminating);
    }

    [Fact]
    public void A_name_that_matches_no_job_is_Get_Service_s_error()
    {
        var failure = FailureMapping.JobNotFound("ghost");
        Assert.Equal(("NoJobFoundForGivenName", ErrorCategory.ObjectNotFound, false), (failure.ErrorId, failure.Category, failure.Terminating));
        Assert.Contains("'ghost'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wait_that_runs_out_says_which_state_it_waited_for()
    {
        var failure = FailureMapping.WaitTimedOut("web", "running", TimeSpan.FromSeconds(3));
        Assert.Equal("WaitTimedOut", failure.ErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, failure.Category);
        Assert.Contains("'running' within 3 seconds", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_re_exec_the_daemon_never_carried_out_is_per_command_because_the_old_program_still_answers()
    {
        var failure = FailureMapping.ReExecNotDone("/s", TimeSpan.FromSeconds(60));
        Assert.Equal(("DaemonReExecFailed", ErrorCategory.OperationTimeout, false), (failure.ErrorId, failure.Category, failure.Terminating));
        Assert.Contains("after 60 seconds", failure.Message, StringComparison.Ordinal);
        Assert.Contains("jobs keep running", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_daemon_that_does_not_answer_after_its_re_exec_is_unreachable_and_terminates()
    {
        var failure = FailureMapping.NotBackAfterReExec("/s", TimeSpan.FromSeconds(5));
        Assert.Equal(("DaemonNotBackAfterReExec", ErrorCategory.ConnectionError, true), (failure.ErrorId, failure.Category, failure.Terminating));
        Assert.Contains(FailureMapping.HowToReach, failure.Message, StringComparison.Ordinal);
    }
}
