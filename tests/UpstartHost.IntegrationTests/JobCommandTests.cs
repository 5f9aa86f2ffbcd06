using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartHost.IntegrationTests;

/// <summary>Every job operation through the client and through upstartctl, against the real daemon.</summary>
[Collection(RealDaemonTests.Name)]
public class JobCommandTests
{
    private const string Service = "exec /bin/sleep 1000\n";
    private const string SlowTask = "task\nexec /bin/sleep 0.3\n";

    [Fact]
    public async Task Start_waits_for_running_and_prints_the_status_line()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        var r = await d.RunCtlAsync(["start", "svc"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^svc start/running, process \d+\n$", r.Stdout);

        var status = await d.RunCtlAsync(["status", "svc"]);
        Assert.Equal(r.Stdout, status.Stdout);
    }

    [Fact]
    public async Task Starting_a_running_job_is_initctls_error_on_stderr_with_exit_1()
    {
        await using var d = await DaemonFixture.StartNewAsync(("nagios", Service));
        await d.Client.StartAsync("nagios");
        var r = await d.RunCtlAsync(["start", "nagios"], invokedAs: "initctl");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("initctl: Job is already running: nagios\n", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task Status_with_variables_of_an_instance_that_is_not_there_is_unknown_instance_and_exit_1()
    {
        // initctl's status_action: only without K=V does a missing instance read as `JOB stop/waiting`.
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        var plain = await d.RunCtlAsync(["svc"], invokedAs: "status");
        Assert.Equal((0, "svc stop/waiting\n"), (plain.ExitCode, plain.Stdout));
        var withVariables = await d.RunCtlAsync(["svc", "FOO=1"], invokedAs: "status");
        Assert.Equal((1, "", "status: Unknown instance: \n"), (withVariables.ExitCode, withVariables.Stdout, withVariables.Stderr));

        await d.Client.StartAsync("svc");
        var running = await d.RunCtlAsync(["svc", "FOO=1"], invokedAs: "status");
        Assert.Equal(0, running.ExitCode);
        Assert.StartsWith("svc start/running, process ", running.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_with_variables_expands_the_instance_stanza_as_start_does()
    {
        // Ubuntu 14.04's network-interface-security names its instances `instance $JOB${INTERFACE:+/}${INTERFACE:-}`.
        await using var d = await DaemonFixture.StartNewAsync(
            ("nis", "usage \"JOB=NAME [INTERFACE=IFACE]\"\ninstance $JOB${INTERFACE:+/}${INTERFACE:-}\nexec /bin/sleep 1000\n"));
        await d.Client.StartAsync("nis", ["JOB=network-interface", "INTERFACE=eth0"]);

        var found = await d.RunCtlAsync(["nis", "JOB=network-interface", "INTERFACE=eth0"], invokedAs: "status");
        Assert.Equal((0, ""), (found.ExitCode, found.Stderr));
        Assert.StartsWith("nis (network-interface/eth0) start/running, process ", found.Stdout, StringComparison.Ordinal);

        // As the daemon answers start and stop (and initctl status): the variable that is missing, and the usage.
        var missing = await d.RunCtlAsync(["nis", "INTERFACE=eth0"], invokedAs: "status");
        var stop = await d.RunCtlAsync(["nis", "INTERFACE=eth0"], invokedAs: "stop");
        Assert.Equal((1, "", "status: Unknown parameter: JOB\nUsage: JOB=NAME [INTERFACE=IFACE]\n"), (missing.ExitCode, missing.Stdout, missing.Stderr));
        Assert.Equal("stop: Unknown parameter: JOB\nUsage: JOB=NAME [INTERFACE=IFACE]\n", stop.Stderr);
        await d.Client.StopAsync("nis", ["JOB=network-interface", "INTERFACE=eth0"]);
    }

    [Fact]
    public async Task The_program_name_is_the_link_it_was_invoked_through()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        var start = await d.RunCtlAsync(["svc"], invokedAs: "start");
        Assert.Equal(0, start.ExitCode);
        var stop = await d.RunCtlAsync(["nope"], invokedAs: "stop");
        Assert.Equal(1, stop.ExitCode);
        Assert.Equal("stop: Unknown job: nope\n", stop.Stderr);
        var status = await d.RunCtlAsync(["svc"], invokedAs: "status");
        Assert.StartsWith("svc start/running, process ", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_waits_until_stopped_and_no_wait_returns_at_once()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service), ("task1", SlowTask));
        await d.Client.StartAsync("svc");
        var stop = await d.RunCtlAsync(["stop", "svc"]);
        Assert.Equal((0, "svc stop/waiting\n"), (stop.ExitCode, stop.Stdout));

        // A task with --no-wait comes back before it has finished.
        var noWait = await d.RunCtlAsync(["start", "--no-wait", "task1"]);
        Assert.Equal(0, noWait.ExitCode);
        Assert.StartsWith("task1 start/", noWait.Stdout, StringComparison.Ordinal);
        await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("task1")).All(j => j.Goal == "stop"), "task1 to finish");

        // Blocking: `start` of a task returns when it has finished.
        var blocking = await d.RunCtlAsync(["start", "task1"]);
        Assert.Equal(0, blocking.ExitCode);
        Assert.Equal("stop", (await d.Client.StatusAsync("task1")).Single().Goal);
    }

    [Fact]
    public async Task Stopping_a_stopped_job_is_an_error()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        var r = await d.RunCtlAsync(["stop", "svc"]);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("upstartctl: ", r.Stderr, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<UpstartException>(() => d.Client.StopAsync("svc"));
        Assert.True(e.Code is UpstartErrorCode.UnknownInstance or UpstartErrorCode.AlreadyStopped, e.Code.ToString());
    }

    [Fact]
    public async Task Restart_gives_a_new_main_process_and_reload_signals_the_old_one()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", "exec /bin/sh -c 'trap \"echo reloaded\" HUP; echo ready; while :; do sleep 0.1; done'\n"));
        var first = await d.Client.StartAsync("svc");

        // Running is reached at the spawn; a HUP before the shell has set its trap would end it instead (seen under load).
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("svc").Contains("ready", StringComparison.Ordinal)), "the job to set its trap");
        var reload = await d.RunCtlAsync(["reload", "svc"]);
        Assert.Equal((0, ""), (reload.ExitCode, reload.Stdout));
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("svc").Contains("reloaded", StringComparison.Ordinal)), "the HUP to reach the job");

        var restart = await d.RunCtlAsync(["restart", "svc"]);
        Assert.Equal(0, restart.ExitCode);
        var second = (await d.Client.StatusAsync("svc")).Single();
        Assert.Equal("running", second.State);
        Assert.NotEqual(first.Processes.Single(p => p.Kind == "main").Pid, second.Processes.Single(p => p.Kind == "main").Pid);

        await d.Client.StopAsync("svc");
        var notRunning = await d.RunCtlAsync(["reload", "svc"]);
        Assert.Equal(1, notRunning.ExitCode);
        Assert.StartsWith("upstartctl: ", notRunning.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_shows_every_job_and_instances_with_their_names()
    {
        await using var d = await DaemonFixture.StartNewAsync(
            ("svc", Service),
            ("tty", "instance $TTY\nexec /bin/sleep 1000\n"),
            ("idle", Service));
        await d.Client.StartAsync("tty", ["TTY=tty1"]);
        var r = await d.RunCtlAsync(["list"]);
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Contains("idle stop/waiting", lines);
        Assert.Contains("svc stop/waiting", lines);
        Assert.Contains(lines, l => l.StartsWith("tty (tty1) start/running, process ", StringComparison.Ordinal));

        var status = await d.RunCtlAsync(["status", "tty", "TTY=tty1"]);
        Assert.StartsWith("tty (tty1) start/running, process ", status.Stdout, StringComparison.Ordinal);
        await d.Client.StopAsync("tty", ["TTY=tty1"]);
    }

    [Fact]
    public async Task Emit_starts_the_jobs_waiting_for_it_and_passes_the_environment()
    {
        await using var d = await DaemonFixture.StartNewAsync(("hello", "start on my-event\ntask\nscript\necho \"got $MESSAGE\"\nend script\n"));
        var r = await d.RunCtlAsync(["emit", "my-event", "MESSAGE=hi there"]);
        Assert.Equal((0, "", ""), (r.ExitCode, r.Stdout, r.Stderr));

        // emit waits until the task it started has finished: its output is complete now.
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("hello").Contains("got hi there", StringComparison.Ordinal)), "the task's log");
        var bad = await d.RunCtlAsync(["emit", "my-event", "novalue"]);
        Assert.Equal((1, "upstartctl: Env must be KEY=VALUE pairs\n"), (bad.ExitCode, bad.Stderr));
        var missing = await d.RunCtlAsync(["emit"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("upstartctl: missing event name\n", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_log_priority_and_usage_answer()
    {
        await using var d = await DaemonFixture.StartNewAsync(("w", "usage \"start w NAME=x\"\ninstance $NAME\nexec /bin/sleep 1000\n"));
        Assert.StartsWith("init (upstart 1.13.2)", (await d.RunCtlAsync(["version"])).Stdout, StringComparison.Ordinal);
        Assert.Equal("message\n", (await d.RunCtlAsync(["log-priority"])).Stdout);
        Assert.Equal(0, (await d.RunCtlAsync(["log-priority", "debug"])).ExitCode);
        Assert.Equal("debug", await d.Client.LogPriorityAsync());
        Assert.Equal("Usage: start w NAME=x\n", (await d.RunCtlAsync(["usage", "w"])).Stdout);
    }

    [Fact]
    public async Task Quiet_prints_nothing_but_errors()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        var r = await d.RunCtlAsync(["-q", "start", "svc"]);
        Assert.Equal((0, ""), (r.ExitCode, r.Stdout));
        var again = await d.RunCtlAsync(["--quiet", "start", "svc"]);
        Assert.Equal((1, "", "upstartctl: Job is already running: svc\n"), (again.ExitCode, again.Stdout, again.Stderr));
    }

    [Fact]
    public async Task A_daemon_that_is_not_there_is_a_clear_error()
    {
        var fixture = DaemonFixture.Create();
        await using (fixture)
        {
            var r = await fixture.RunCtlAsync(["list"]);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains(fixture.SocketPath, r.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Job_logs_can_be_tailed_through_the_client()
    {
        await using var d = await DaemonFixture.StartNewAsync(("talk", "task\nscript\nfor i in 1 2 3 4 5; do echo line$i; done\nend script\n"));
        await d.Client.StartAsync("talk");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("talk").Contains("line5", StringComparison.Ordinal)), "the log");
        var lines = new List<string>();
        await foreach (var l in d.Client.ReadLogAsync("talk", tail: 2))
        {
            lines.Add(l.Line);
        }

        Assert.Equal(["line4", "line5"], lines);
        var cli = await d.RunCtlAsync(["log", "talk", "--lines", "1"]);
        Assert.Equal("line5\n", cli.Stdout);
    }

    [Fact]
    public async Task Log_picks_the_instance_from_the_variables_as_status_does()
    {
        await using var d = await DaemonFixture.StartNewAsync(("worker", "instance $NAME\ntask\nexec echo worker $NAME\n"));
        await d.Client.StartAsync("worker", ["NAME=alpha"]);
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("worker", "alpha").Contains("worker alpha", StringComparison.Ordinal)), "worker (alpha)'s log");

        var byVariable = await d.RunCtlAsync(["log", "worker", "NAME=alpha"]);
        var byInstance = await d.RunCtlAsync(["log", "worker", "INSTANCE=alpha"]);

        Assert.Equal((0, "worker alpha\n"), (byVariable.ExitCode, byVariable.Stdout));
        Assert.Equal((0, "worker alpha\n"), (byInstance.ExitCode, byInstance.Stdout));
    }

    [Fact]
    public async Task Watch_streams_events_and_state_changes()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var watcher = await UpstartClient.ConnectAsync(d.SocketPath, cts.Token);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in watcher.WatchAsync(includeHistory: false, cts.Token))
            {
                seen.Enqueue(e.Kind + ":" + e.Name);
                if (e.Kind == "event" && e.Name == "started")
                {
                    return;
                }
            }
        });
        await DaemonFixture.WaitUntilAsync(async () =>
        {
            await d.Client.EmitAsync("ping", wait: true);
            return seen.Contains("event:ping");
        }, "the watch stream to be live");
        await d.Client.StartAsync("svc");
        await watching.WaitAsync(cts.Token);
        Assert.Contains("event:starting", seen);
    }
}
