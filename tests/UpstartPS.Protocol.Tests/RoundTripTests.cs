using UpstartPS.Protocol.Client;

namespace UpstartPS.Protocol.Tests;

/// <summary>Every operation, from UpstartClient through the socket to the handler and back.</summary>
public sealed class RoundTripTests : IAsyncLifetime
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
    public void Handshake_reports_the_daemon_version_and_mode()
    {
        Assert.Equal("9.9.9", _client.DaemonVersion);
        Assert.Equal(DaemonMode.System, _client.Mode);
        Assert.Equal(_server.SocketPath, _client.SocketPath);
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task Version_returns_the_handlers_text()
    {
        Assert.Equal("init (upstart 1.13.2)", await _client.GetVersionAsync(TestServer.Deadline()));
    }

    [Fact]
    public async Task List_returns_every_job_with_its_processes()
    {
        var jobs = await _client.ListAsync(TestServer.Deadline());

        Assert.Equal(["ssh", "cron", "tty"], jobs.Select(j => j.Name));
        Assert.Equal(new ProcessInfoView("main", 1141), jobs[0].Processes.Select(p => new ProcessInfoView(p.Kind, p.Pid)).Single());
        Assert.Equal("tty1", jobs[2].Instance);
        Assert.Equal("ssh service", jobs[0].Description);
    }

    [Fact]
    public async Task Status_passes_pattern_and_instance_to_the_handler()
    {
        var jobs = await _client.StatusAsync("t?y", "tty1", TestServer.Deadline());

        Assert.Equal("tty", Assert.Single(jobs).Name);
        Assert.Contains("status t?y tty1", Handler.Calls);
    }

    [Fact]
    public async Task Status_with_a_wildcard_that_matches_nothing_is_an_empty_list()
    {
        Assert.Empty(await _client.StatusAsync("zz*", cancellationToken: TestServer.Deadline()));
    }

    [Fact]
    public async Task Start_sends_environment_and_wait_and_returns_the_instance()
    {
        var job = await _client.StartAsync("web", ["PORT=80", "MODE=x y"], wait: false, TestServer.Deadline());

        Assert.Equal(("web", "start", "running"), (job.Name, job.Goal, job.State));
        Assert.Contains("start web PORT=80 MODE=x y wait=False", Handler.Calls);
    }

    [Fact]
    public async Task Stop_waits_by_default()
    {
        var job = await _client.StopAsync("web", cancellationToken: TestServer.Deadline());

        Assert.Equal("stop", job.Goal);
        Assert.Contains("stop web wait=True", Handler.Calls);
    }

    [Fact]
    public async Task Restart_and_reload_reach_the_handler()
    {
        await _client.RestartAsync("web", ["A=1"], cancellationToken: TestServer.Deadline());
        await _client.ReloadAsync("web", cancellationToken: TestServer.Deadline());

        Assert.Contains("restart web A=1 wait=True", Handler.Calls);
        Assert.Contains("reload web wait=True", Handler.Calls);
    }

    [Fact]
    public async Task Emit_sends_name_environment_and_wait()
    {
        await _client.EmitAsync("net-device-up", ["IFACE=eth0"], wait: false, TestServer.Deadline());

        Assert.Contains("emit net-device-up IFACE=eth0 wait=False", Handler.Calls);
    }

    [Fact]
    public async Task Reload_configuration_returns_the_change_and_honours_dry_run()
    {
        var change = await _client.ReloadConfigurationAsync(dryRun: true, TestServer.Deadline());

        Assert.Equal(["new"], change.Added);
        Assert.Equal(["changed"], change.Changed);
        Assert.Equal(["gone"], change.Removed);
        Assert.Equal("Unknown stanza", Assert.Single(change.Diagnostics).Message);
        Assert.Contains("reload-configuration dryRun=True", Handler.Calls);
    }

    [Fact]
    public async Task Check_config_passes_ignored_events_and_returns_problems()
    {
        var problems = await _client.CheckConfigAsync(["peach", "plum"], TestServer.Deadline());

        Assert.Equal(new CheckConfigItemView("ssh", "start on", "event", "peach"), problems.Select(p => new CheckConfigItemView(p.Job, p.Stanza, p.Kind, p.Name)).Single());
        Assert.Contains("check-config peach,plum", Handler.Calls);
    }

    [Fact]
    public async Task Show_config_carries_processes_and_provenance()
    {
        var config = await _client.ShowConfigAsync("ssh", TestServer.Deadline());

        Assert.Equal("/etc/init/ssh.override", config.OverridePath);
        Assert.Equal("exec /usr/sbin/sshd -D", config.Processes["main"]);
        Assert.Equal("override", config.Provenance["start on"]);
        Assert.Equal(["ssh-ready"], config.Emits);
    }

    [Fact]
    public async Task Diagnostics_are_returned_with_position()
    {
        var diagnostic = Assert.Single(await _client.GetDiagnosticsAsync(TestServer.Deadline()));

        Assert.Equal(("/etc/init/bad.conf", 3, 1, "error"), (diagnostic.Path, diagnostic.Line, diagnostic.Column, diagnostic.Severity));
    }

    [Fact]
    public async Task Set_enabled_reaches_the_handler()
    {
        await _client.SetEnabledAsync("ssh", false, TestServer.Deadline());

        Assert.Contains("set-enabled ssh False", Handler.Calls);
    }

    [Fact]
    public async Task Disable_with_stop_asks_for_the_stop_and_the_wait_and_returns_the_jobs_after()
    {
        var after = await _client.DisableAsync("ssh", stop: true, wait: false, TestServer.Deadline());

        Assert.Contains("set-enabled ssh False stop wait=False", Handler.Calls);
        Assert.Equal(("ssh", true), (after.Single().Name, after.Single().Disabled));
    }

    [Fact]
    public async Task A_daemon_that_ignores_stop_is_reported_and_not_passed_off_as_done()
    {
        var e = await Assert.ThrowsAsync<UpstartException>(() => _client.DisableAsync("old-daemon", stop: true, cancellationToken: TestServer.Deadline()));

        Assert.Equal(UpstartErrorCode.ProtocolMismatch, e.Code);
        Assert.Equal($"The daemon at {_server.SocketPath} disabled old-daemon but is too old to stop it as well: stop it with `stop old-daemon`", e.Message);
    }

    [Fact]
    public async Task Stop_with_enabled_true_is_a_bad_request_that_never_reaches_the_handler()
    {
        using var raw = await RawConnection.HandshakenAsync(_server.SocketPath, TestServer.Deadline());
        await raw.SendFrameAsync("""{"id":3,"op":"set-enabled","job":"ssh","enabled":true,"stop":true}""", TestServer.Deadline());

        var reply = (await raw.ReadFrameAsync(TestServer.Deadline()))!.Value;

        Assert.Equal("error", reply.GetProperty("type").GetString());
        Assert.Equal("set-enabled: stop goes with enabled: false", reply.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(Handler.Calls, c => c.StartsWith("set-enabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Log_priority_is_read_without_an_argument_and_set_with_one()
    {
        Assert.Equal("message", await _client.LogPriorityAsync(cancellationToken: TestServer.Deadline()));
        Assert.Equal("debug", await _client.LogPriorityAsync("debug", TestServer.Deadline()));
        Assert.Equal("debug", await _client.LogPriorityAsync(cancellationToken: TestServer.Deadline()));
    }

    [Fact]
    public async Task Log_tail_streams_the_last_lines_and_ends()
    {
        var lines = new List<string>();
        await foreach (var line in _client.ReadLogAsync("ssh", "i1", tail: 3, cancellationToken: TestServer.Deadline()))
        {
            lines.Add($"{line.Job}/{line.Instance}: {line.Line}");
        }

        Assert.Equal(["ssh/i1: line 1", "ssh/i1: line 2", "ssh/i1: line 3"], lines);
    }

    [Fact]
    public async Task Handler_sees_the_callers_real_credentials()
    {
        await _client.GetVersionAsync(TestServer.Deadline());

        var client = Handler.LastClient!;
        Assert.Equal(Environment.ProcessId, client.Pid);
        Assert.Equal(ControlSocketPaths.CurrentUid(), client.Uid);
        Assert.StartsWith("UpstartPS.Protocol", client.ClientName);
    }

    [Fact]
    public async Task Concurrent_requests_on_one_connection_each_get_their_own_answer()
    {
        var jobs = Enumerable.Range(0, 200).Select(i => "job" + i).ToList();

        var results = await Task.WhenAll(jobs.Select(j => _client.StopAsync(j, cancellationToken: TestServer.Deadline())));

        Assert.Equal(jobs, results.Select(r => r.Name));
    }

    private sealed record ProcessInfoView(string Kind, int Pid);

    private sealed record CheckConfigItemView(string Job, string Stanza, string Kind, string Name);
}
