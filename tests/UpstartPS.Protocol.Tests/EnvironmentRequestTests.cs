using UpstartPS.Protocol.Client;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// list-env, get-env, set-env, unset-env and reset-env from both clients through the socket to the handler, and
/// the server's argument rules for them (checked before the handler sees anything).
/// </summary>
public sealed class EnvironmentRequestTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private UpstartClient _client = null!;

    private FakeControlHandler Handler => _server.Handler;

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
    public async Task Each_request_reaches_the_handler_with_its_scope_and_variables()
    {
        Assert.Equal(["PATH=/bin", "TERM=linux"], await _client.ListEnvironmentAsync(cancellationToken: TestServer.Deadline()));
        Assert.Equal("linux", await _client.GetEnvironmentVariableAsync("TERM", "tty", "tty1", TestServer.Deadline()));
        await _client.SetEnvironmentAsync(["A=1", "B"], retain: true, cancellationToken: TestServer.Deadline());
        await _client.UnsetEnvironmentAsync(["A", "B"], "web", cancellationToken: TestServer.Deadline());
        await _client.ResetEnvironmentAsync(cancellationToken: TestServer.Deadline());

        Assert.Equal(
            ["list-env global", "get-env tty(tty1) TERM", "set-env global A=1 B retain", "unset-env web() A B", "reset-env global"],
            Handler.Calls);
    }

    [Fact]
    public void The_blocking_client_sends_the_same_requests()
    {
        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = _server.SocketPath });

        Assert.Equal(["PATH=/bin", "TERM=linux"], client.ListEnvironment("web", ""));
        Assert.Equal("/bin", client.GetEnvironmentVariable("PATH"));
        client.SetEnvironment(["X=y z"], job: "tty", instance: "tty1");
        client.UnsetEnvironment(["X"]);
        client.ResetEnvironment("web");

        Assert.Equal(["list-env web()", "get-env global PATH", "set-env tty(tty1) X=y z", "unset-env global X", "reset-env web()"], Handler.Calls);
    }

    [Fact]
    public async Task A_variable_that_is_not_set_is_initctl_s_no_such_variable()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.GetEnvironmentVariableAsync("NOPE", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.UnknownVariable, "No such variable: NOPE"), (error.Code, error.Message));
    }

    [Theory]
    [InlineData("", "Variable may not be empty string")]
    [InlineData("=value", "Variable may not be empty string")]
    [InlineData("BAD\nNAME=x", "variable name contains the control character U+000A at position 4")]
    [InlineData("NUL=a\0b", "Env NUL contains a NUL character (U+0000), which cannot be passed to a process")]
    public async Task A_set_env_entry_the_daemon_could_not_pass_on_is_refused_before_the_handler(string entry, string problem)
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.SetEnvironmentAsync(["GOOD=1", entry], cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.BadEnvironment, problem), (error.Code, error.Message));
        Assert.Empty(Handler.Calls);
    }

    [Theory]
    [InlineData("A=B", "Variable name A=B contains '='")]
    [InlineData("", "Variable may not be empty string")]
    [InlineData("\u202eX", "variable name contains the invisible or text-reordering character U+202E at position 1")]
    public async Task A_name_that_cannot_be_a_variable_is_refused_for_get_env_and_unset_env(string name, string problem)
    {
        var get = await Assert.ThrowsAsync<UpstartException>(() => _client.GetEnvironmentVariableAsync(name, cancellationToken: TestServer.Deadline()));
        var unset = await Assert.ThrowsAsync<UpstartException>(() => _client.UnsetEnvironmentAsync(["OK", name], cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.BadEnvironment, problem), (get.Code, get.Message));
        Assert.Equal((UpstartErrorCode.BadEnvironment, problem), (unset.Code, unset.Message));
        Assert.Empty(Handler.Calls);
    }

    [Fact]
    public async Task Nothing_to_set_or_unset_and_a_bad_job_name_are_refused()
    {
        var set = await Assert.ThrowsAsync<UpstartException>(() => _client.SetEnvironmentAsync([], cancellationToken: TestServer.Deadline()));
        var unset = await Assert.ThrowsAsync<UpstartException>(() => _client.UnsetEnvironmentAsync([], cancellationToken: TestServer.Deadline()));
        var job = await Assert.ThrowsAsync<UpstartException>(() => _client.ListEnvironmentAsync("", cancellationToken: TestServer.Deadline()));

        Assert.Equal((UpstartErrorCode.BadRequest, "set-env needs at least one variable in env"), (set.Code, set.Message));
        Assert.Equal((UpstartErrorCode.BadRequest, "unset-env needs at least one name in names"), (unset.Code, unset.Message));
        Assert.Equal((UpstartErrorCode.BadRequest, "missing job name"), (job.Code, job.Message));
        Assert.Empty(Handler.Calls);
    }

    [Fact]
    public async Task An_instance_without_its_job_is_refused_by_the_client_and_by_the_server()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.ResetEnvironmentAsync(null, "tty1"));

        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":1,"op":"reset-env","instance":"tty1"}""", TestServer.Deadline());
        var reply = (await raw.ReadFrameAsync(TestServer.Deadline()))!.Value;

        Assert.Equal("error", reply.GetProperty("type").GetString());
        Assert.Equal("BadRequest", reply.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(Handler.Calls);
    }

    [Fact]
    public async Task An_entry_longer_than_a_process_may_be_given_is_refused_and_one_byte_less_passes()
    {
        var longest = "V=" + new string('x', RequestArguments.MaxEnvironmentEntryBytes - 3);
        var tooLong = longest + "é";

        await _client.SetEnvironmentAsync([longest], cancellationToken: TestServer.Deadline());
        var error = await Assert.ThrowsAsync<UpstartException>(() => _client.SetEnvironmentAsync([tooLong], cancellationToken: TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.BadEnvironment, error.Code);
        Assert.Equal("Env V is 131073 bytes; a process's environment entry may hold at most 131071 (Linux's MAX_ARG_STRLEN)", error.Message);
        Assert.Single(Handler.Calls);
    }
}
