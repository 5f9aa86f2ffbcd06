using UpstartPS.Protocol.Client;

namespace UpstartPS.Protocol.Tests;

/// <summary>Error replies reach the caller as UpstartException with the handler's code and initctl's text.</summary>
public sealed class ErrorReplyTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private UpstartClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = TestServer.Start();
        _client = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unknown_job_keeps_its_code_and_initctl_text()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.StartAsync("missing", cancellationToken: TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.UnknownJob, error.Code);
        Assert.Equal("Unknown job: missing", error.Message);
    }

    [Fact]
    public async Task Already_running_is_its_own_code()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.StartAsync("ssh", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.AlreadyRunning, "Job is already running: ssh"), (error.Code, error.Message));
    }

    [Fact]
    public async Task Reload_of_a_stopped_job_is_JobNotRunning()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.ReloadAsync("cron", cancellationToken: TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.JobNotRunning, error.Code);
    }

    [Fact]
    public async Task A_refused_check_carries_its_status_and_lines_to_the_client()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.ReloadAsync("nginx", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.CheckFailed, "Job not reloaded: nginx pre-restart check terminated with status 1"), (error.Code, error.Message));
        var check = error.CheckFailure!;
        Assert.Equal(("nginx", "", "failed", (int?)1, (string?)null), (check.Job, check.Instance, check.Result, check.ExitStatus, check.ExitSignal));
        Assert.Equal(["unknown directive \"lisen\"", "test failed"], check.Output);
    }

    [Fact]
    public async Task Other_errors_carry_no_check()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.ReloadAsync("cron", cancellationToken: TestServer.Deadline()));

        Assert.Null(error.CheckFailure);
    }

    [Fact]
    public async Task A_failed_event_is_EventFailed()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.EmitAsync("doomed", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.EventFailed, "Event failed"), (error.Code, error.Message));
    }

    [Fact]
    public async Task Status_of_an_unknown_exact_name_is_UnknownJob()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.StatusAsync("nosuch", cancellationToken: TestServer.Deadline()));

        Assert.Equal("Unknown job: nosuch", error.Message);
    }

    [Fact]
    public async Task A_handler_crash_is_an_internal_error_that_is_logged_and_leaves_the_connection_usable()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.StopAsync("crash", cancellationToken: TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.Unknown, error.Code);
        Assert.Contains("engine exploded", error.Message);
        lock (_server.Log)
        {
            Assert.Contains(_server.Log, line => line.Contains("engine exploded", StringComparison.Ordinal));
        }

        Assert.Equal("init (upstart 1.13.2)", await _client.GetVersionAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task An_empty_job_name_is_refused_before_the_handler_with_initctls_words()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.StartAsync("", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.BadRequest, "missing job name"), (error.Code, error.Message));
        Assert.Empty(_server.Handler.Calls);
    }

    [Fact]
    public async Task A_job_or_instance_name_with_a_control_character_is_refused_before_the_handler_naming_it()
    {
        var job = await Assert.ThrowsAsync<UpstartException>(() => _client.StatusAsync("web\nfake", cancellationToken: TestServer.Deadline()));
        Assert.Equal((UpstartErrorCode.BadRequest, "job name contains the control character U+000A at position 4"), (job.Code, job.Message));

        var instance = await Assert.ThrowsAsync<UpstartException>(async () =>
        {
            await foreach (var _ in _client.ReadLogAsync("web", "\u001b[31m", cancellationToken: TestServer.Deadline()))
            {
            }
        });
        Assert.Equal((UpstartErrorCode.BadRequest, "instance name contains the control character U+001B at position 1"), (instance.Code, instance.Message));
        Assert.Empty(_server.Handler.Calls);
    }

    [Fact]
    public async Task An_empty_event_name_is_refused_with_initctls_words()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.EmitAsync("", cancellationToken: TestServer.Deadline()));

        Assert.Equal("missing event name", error.Message);
    }

    [Theory]
    [InlineData("a b", "event name contains a blank at position 2")]
    [InlineData("a\0b", "event name contains the control character U+0000 at position 2")]
    [InlineData("\t", "event name contains the control character U+0009 at position 1")]
    public async Task An_event_name_with_a_blank_or_a_NUL_is_refused_before_the_handler_saying_what_and_where(string name, string problem)
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.EmitAsync(name, cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.BadRequest, problem), (error.Code, error.Message));
        Assert.Empty(_server.Handler.Calls);
    }

    [Theory]
    [InlineData("start", "NOEQUALS")]
    [InlineData("stop", "=1")]
    [InlineData("restart", "A=\0")]
    [InlineData("reload", "NOEQUALS")]
    [InlineData("emit", "=1")]
    public async Task Every_operation_that_takes_variables_refuses_one_that_is_not_KEY_VALUE_before_the_handler(string op, string entry)
    {
        IReadOnlyList<string> env = ["GOOD=1", entry];
        var ct = TestServer.Deadline();
        Func<Task> call = op switch
        {
            "start" => () => _client.StartAsync("web", env, cancellationToken: ct),
            "stop" => () => _client.StopAsync("web", env, cancellationToken: ct),
            "restart" => () => _client.RestartAsync("web", env, cancellationToken: ct),
            "reload" => () => _client.ReloadAsync("web", env, ct),
            _ => () => _client.EmitAsync("ev", env, cancellationToken: ct),
        };

        var error = await Assert.ThrowsAsync<UpstartException>(call);

        var expected = entry.Contains('\0', StringComparison.Ordinal)
            ? "Env A contains a NUL character (U+0000), which cannot be passed to a process"
            : "Env must be KEY=VALUE pairs";
        Assert.Equal((UpstartErrorCode.BadEnvironment, expected), (error.Code, error.Message));
        Assert.Empty(_server.Handler.Calls);
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_refused_by_the_client_without_breaking_the_connection()
    {
        var huge = new string('x', 2 * 1024 * 1024);

        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.StartAsync("web", ["BIG=" + huge], cancellationToken: TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.BadRequest, error.Code);
        Assert.Equal("init (upstart 1.13.2)", await _client.GetVersionAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task Requests_after_the_daemon_went_away_are_NotConnected()
    {
        await _server.Server.StopAsync(TestServer.Deadline());

        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.ListAsync(TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.NotConnected, error.Code);
        Assert.False(_client.IsConnected);
    }
}
