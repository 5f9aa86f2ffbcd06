using UpstartPS.Completion;
using UpstartPS.Connection;
using UpstartPS.Errors;
using UpstartPS.Matching;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Daemon;

/// <summary>The cmdlets' logic over the real protocol: the daemon side is scripted, everything else is real.</summary>
public sealed class ClientLogicTests
{
    [Fact]
    public async Task A_missing_daemon_is_reported_as_not_running_and_says_how_to_start_one()
    {
        var path = Path.Combine(Path.GetTempPath(), "ups-none-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        var error = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(path, ScriptedDaemon.Deadline()));
        var failure = FailureMapping.FromException(error, path);
        Assert.Equal("DaemonNotRunning", failure.ErrorId);
        Assert.True(failure.Terminating);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_is_reported_as_unreachable()
    {
        var directory = Directory.CreateTempSubdirectory("ups-").FullName;
        var path = Path.Combine(directory, "stale");
        try
        {
            // A file where the socket should be (what a crashed daemon's leftover looks like to connect(2)).
            await File.WriteAllTextAsync(path, "not a socket");

            var error = await Assert.ThrowsAsync<UpstartException>(() => UpstartClient.ConnectAsync(path, ScriptedDaemon.Deadline()));
            var failure = FailureMapping.FromException(error, path);
            Assert.Equal("DaemonNotReachable", failure.ErrorId);
            Assert.True(failure.Terminating);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Names_are_selected_from_the_daemon_s_list()
    {
        await using var daemon = new ScriptedDaemon();
        daemon.Jobs.AddRange([new JobInfo { Name = "web" }, new JobInfo { Name = "web-admin" }, new JobInfo { Name = "db" }]);
        await using var client = await daemon.ConnectAsync();
        var selection = JobSelection.Select(await client.ListAsync(ScriptedDaemon.Deadline()), ["web*", "ghost"]);
        Assert.Equal(["web", "web-admin"], selection.Jobs.Select(j => j.Name));
        Assert.Equal(["ghost"], selection.NotFound);
    }

    [Fact]
    public async Task A_daemon_error_reply_keeps_its_id_through_the_mapping()
    {
        await using var daemon = new ScriptedDaemon();
        await using var client = await daemon.ConnectAsync();
        var error = await Assert.ThrowsAsync<UpstartException>(() => client.ShowConfigAsync("ghost", ScriptedDaemon.Deadline()));
        var failure = FailureMapping.FromException(error, client.SocketPath, "ghost");
        Assert.Equal("NoJobFoundForGivenName", failure.ErrorId);
        Assert.False(failure.Terminating);
    }

    [Fact]
    public async Task Waiting_for_a_state_polls_the_daemon_until_it_is_reached()
    {
        await using var daemon = new ScriptedDaemon();
        daemon.Jobs.Add(new JobInfo { Name = "web", Goal = "start", State = "starting", HasInstance = true });
        await using var client = await daemon.ConnectAsync();
        var waiting = StateWaiter.WaitForStateAsync(client.ListAsync, "web", "", "running", ScriptedDaemon.Deadline());
        await Task.Delay(StateWaiter.PollInterval * 2);
        Assert.False(waiting.IsCompleted);
        lock (daemon.Jobs)
        {
            daemon.Jobs[0] = daemon.Jobs[0] with { State = "running" };
        }

        Assert.Equal("running", (await waiting).State);
    }

    [Fact]
    public async Task Watching_ends_quietly_at_the_timeout_and_delivers_what_came_before()
    {
        await using var daemon = new ScriptedDaemon();
        await using var client = await daemon.ConnectAsync();
        daemon.LiveEvents.Writer.TryWrite(new EventInfo { Name = "deploy", Environment = ["VERSION=1"] });
        var seen = Streams.Read(ct => client.WatchAsync(true, ct), ScriptedDaemon.Deadline(), TimeSpan.FromMilliseconds(500)).ToList();
        Assert.Equal(["startup", "deploy"], seen.Select(e => e.Name));
    }

    [Fact]
    public async Task Following_several_logs_merges_them_into_one_stream()
    {
        await using var daemon = new ScriptedDaemon();
        var t0 = DateTimeOffset.UtcNow;
        daemon.Logs["web"] = [new(t0, "web", "", "web 1")];
        daemon.Logs["db"] = [new(t0.AddSeconds(1), "db", "", "db 1")];
        await using var client = await daemon.ConnectAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = Streams.Read(
            ct => Streams.Merge<LogLineInfo>([c => client.ReadLogAsync("web", null, 10, true, c), c => client.ReadLogAsync("db", null, 10, true, c)], ct),
            stop.Token);
        daemon.LiveLog("web").Writer.TryWrite(new(t0.AddSeconds(2), "web", "", "web 2"));
        Assert.Equal(["db 1", "web 1", "web 2"], lines.Take(3).Select(l => l.Line).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Requests_carry_the_parsed_environment()
    {
        await using var daemon = new ScriptedDaemon();
        await using var client = await daemon.ConnectAsync();
        var environment = UpstartPS.Arguments.EnvironmentArguments.Parse([new System.Collections.Hashtable { ["B"] = 2, ["A"] = "x y" }], _ => null);
        await client.EmitAsync("deploy", environment, true, ScriptedDaemon.Deadline());
        Assert.Equal(["emit deploy A=x y B=2"], daemon.Requests);
    }

    [Fact]
    public async Task The_job_name_completer_asks_the_daemon_once_for_distinct_names()
    {
        await using var daemon = new ScriptedDaemon();
        daemon.Jobs.AddRange([new JobInfo { Name = "tty", Instance = "tty1" }, new JobInfo { Name = "tty", Instance = "tty2" }, new JobInfo { Name = "web" }]);
        var names = await JobNameCompleter.FetchAsync(daemon.SocketPath, ScriptedDaemon.Deadline());
        Assert.Equal(["tty", "web"], names);
    }

    [Fact]
    public async Task The_event_name_completer_collects_what_jobs_emit()
    {
        await using var daemon = new ScriptedDaemon();
        daemon.Jobs.AddRange([new JobInfo { Name = "a" }, new JobInfo { Name = "b" }]);
        daemon.Configs["a"] = new JobConfigInfo { Name = "a", Emits = ["ready", "gone"] };
        daemon.Configs["b"] = new JobConfigInfo { Name = "b", Emits = ["ready"] };
        var names = await EventNameCompleter.FetchAsync(daemon.SocketPath, ScriptedDaemon.Deadline());
        Assert.Equal(["gone", "ready"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_variable_name_completer_reads_the_table_the_command_is_about()
    {
        await using var daemon = new ScriptedDaemon();
        daemon.Environments[""] = ["TERM=linux", "PATH=/usr/bin:/bin"];
        daemon.Environments["worker/alpha"] = ["NAME=alpha", "UPSTART_JOB=worker"];
        Assert.Equal(["TERM", "PATH"], await EnvironmentVariableNameCompleter.FetchAsync(daemon.SocketPath, null, null, ScriptedDaemon.Deadline()));
        Assert.Equal(["NAME", "UPSTART_JOB"], await EnvironmentVariableNameCompleter.FetchAsync(daemon.SocketPath, "worker", "alpha", ScriptedDaemon.Deadline()));
    }

    [Fact]
    public async Task Variables_are_selected_from_the_daemon_s_table_and_an_unknown_job_keeps_its_id()
    {
        await using var daemon = new ScriptedDaemon();
        daemon.Environments[""] = ["TERM=linux", "HTTP_PROXY=http://proxy:3128", "PATH=/usr/bin", "HTTPS_PROXY=http://proxy:3129"];
        await using var client = await daemon.ConnectAsync();
        var selection = VariableSelection.Select(await client.ListEnvironmentAsync(null, null, ScriptedDaemon.Deadline()), ["HTTP*", "NOPE"]);
        Assert.Equal(["HTTPS_PROXY", "HTTP_PROXY"], selection.Variables.Select(v => v.Name));
        Assert.Equal(["NOPE"], selection.NotFound);

        var error = await Assert.ThrowsAsync<UpstartException>(() => client.ListEnvironmentAsync("ghost", null, ScriptedDaemon.Deadline()));
        Assert.Equal("NoJobFoundForGivenName", FailureMapping.FromException(error, client.SocketPath, "ghost").ErrorId);
    }

    [Fact]
    public async Task A_completer_against_no_daemon_returns_quickly_with_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), "ups-none-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        var source = new CompletionSource(ct => JobNameCompleter.FetchAsync(path, ct));
        var names = await Task.Run(source.Names).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(names);
    }
}
