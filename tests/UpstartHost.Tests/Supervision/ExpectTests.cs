using System.Globalization;
using UpstartHost.Tests.Processes;

namespace UpstartHost.Tests.Supervision;

/// <summary>`expect stop|fork|daemon` through the engine with programs that really stop, fork and double-fork (UPSTART.md §a.2).</summary>
[Collection(RunAlone.Name)]
public sealed class ExpectTests
{
    private static readonly TestPrograms Programs = TestPrograms.Instance;

    [Fact]
    public async Task Expect_stop_holds_the_start_until_the_process_stops_itself_then_continues_it()
    {
        await using var sv = await Supervisor.StartAsync(
            ("ready", "expect stop\nexec /bin/sh -c 'echo up > {work}/before-stop; kill -STOP $$; exec sleep 1000'\n"));

        var snapshot = await sv.StartJob("ready");

        Assert.Equal(("start", "running"), (snapshot.Goal, snapshot.State));
        Assert.True(File.Exists(Path.Combine(sv.WorkDirectory, "before-stop")));
        var main = await sv.MainPid("ready");
        Assert.Equal(main, ProcScan.Read(main)?.Session);
        Assert.NotEqual('T', ProcScan.Read(main)?.State);
    }

    [Fact]
    public async Task Expect_fork_follows_the_child_a_shell_leaves_in_the_background()
    {
        await using var sv = await Supervisor.StartAsync(("forked", "expect fork\nexec /bin/sh -c 'sleep 1000 & exit 0'\n"));

        await sv.StartJob("forked");

        // The forked child is a copy of sh until it execs sleep: the main pid is the one that becomes sleep.
        var main = await sv.MainPid("forked");
        await Supervisor.Eventually(() => ProcScan.Read(main)?.Comm == "sleep", $"main process {main} to exec sleep");
        Assert.Equal(ProcScan.OwnPid, ProcScan.Read(main)?.Ppid);
    }

    [Fact]
    public async Task Expect_fork_makes_the_forked_child_of_a_real_program_the_main_process()
    {
        await using var sv = await Supervisor.StartAsync();
        var pidFile = Path.Combine(sv.WorkDirectory, "forker.pid");
        await sv.LoadAsync(("forker", $"expect fork\nexec {Programs.Forker} 1 {pidFile}\n"));

        await sv.StartJob("forker");

        Assert.Equal(await PidIn(sv, pidFile), await sv.MainPid("forker"));
    }

    [Fact]
    public async Task Expect_daemon_makes_the_double_forked_setsid_daemon_the_main_process_and_stops_it()
    {
        await using var sv = await Supervisor.StartAsync();
        var pidFile = Path.Combine(sv.WorkDirectory, "daemon.pid");
        await sv.LoadAsync(("daemon", $"expect daemon\nexec {Programs.Forker} 2 setsid {pidFile}\n"));

        await sv.StartJob("daemon");
        var daemon = await PidIn(sv, pidFile);
        Assert.Equal(daemon, await sv.MainPid("daemon"));
        var mark = sv.Notifications.Count;

        await sv.StopJob("daemon");

        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=daemon", "PROCESS=main", $"PID={daemon}", "EXIT_SIGNAL=TERM"));
        Assert.Null(ProcScan.Read(daemon));
    }

    [Fact]
    public async Task Expect_daemon_with_a_program_that_forks_only_once_never_hangs_a_stop()
    {
        await using var sv = await Supervisor.StartAsync();
        var pidFile = Path.Combine(sv.WorkDirectory, "once.pid");
        await sv.LoadAsync(("short", $"expect daemon\nexec {Programs.Forker} 1 {pidFile}\n"));
        var mark = sv.Notifications.Count;

        var start = sv.Engine.StartAsync("short", [], wait: true);
        var child = await PidIn(sv, pidFile);
        await sv.WaitForState("short", "spawned", mark);
        Assert.False(start.IsCompleted);

        // The job waits in spawned for a second fork that never comes; a stop must still end it.
        await sv.Engine.StopAsync("short", [], wait: false).WaitAsync(Supervisor.Bound);
        await sv.WaitForEvent("stopped", mark, "JOB=short");
        await Task.WhenAny(start, Task.Delay(Supervisor.Bound));
        Assert.True(start.IsCompleted, "the start request was never answered");
        await sv.AssertNothingLeft();
        Assert.Null(ProcScan.Read(child));
    }

    [Fact]
    public async Task Expect_stop_with_a_process_that_never_stops_itself_can_still_be_stopped()
    {
        await using var sv = await Supervisor.StartAsync(("never", "expect stop\nexec sleep 1000\n"));
        var mark = sv.Notifications.Count;
        _ = sv.Engine.StartAsync("never", [], wait: true);
        await sv.WaitForState("never", "spawned", mark);

        await sv.Engine.StopAsync("never", [], wait: false).WaitAsync(Supervisor.Bound);

        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=never");
        Assert.Equal("ok", NotificationLog.Value(stopped, "RESULT"));
        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=never", "PROCESS=main", "EXIT_SIGNAL=TERM"));
    }

    [Fact]
    public async Task A_stop_while_expect_waits_escalates_to_SIGKILL_after_the_kill_timeout()
    {
        await using var sv = await Supervisor.StartAsync(
            ("deaf", "expect fork\nkill timeout 1\nexec /bin/sh -c \"trap '' TERM; echo ready > {work}/ready; sleep 1000\"\n"));
        var mark = sv.Notifications.Count;
        _ = sv.Engine.StartAsync("deaf", [], wait: true);
        await sv.WaitForState("deaf", "spawned", mark);
        await Supervisor.FileWritten(Path.Combine(sv.WorkDirectory, "ready"));

        await sv.Engine.StopAsync("deaf", [], wait: false).WaitAsync(Supervisor.Bound);

        await sv.WaitForEvent("stopped", mark, "JOB=deaf");
        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=deaf", "PROCESS=main", "EXIT_SIGNAL=KILL"));
    }

    [Fact]
    public async Task A_respawning_daemon_killed_with_SIGKILL_is_followed_again_to_its_new_pid()
    {
        await using var sv = await Supervisor.StartAsync();
        var pidFile = Path.Combine(sv.WorkDirectory, "daemon.pid");
        await sv.LoadAsync(("phoenix", $"respawn\nexpect daemon\nexec {Programs.Forker} 2 setsid {pidFile}\n"));
        await sv.StartJob("phoenix");
        var first = await PidIn(sv, pidFile);
        Assert.Equal(first, await sv.MainPid("phoenix"));
        File.Delete(pidFile);
        var mark = sv.Notifications.Count;

        Assert.Equal(0, UpstartHost.Processes.Native.Libc.kill(first, 9));
        await sv.WaitForEvent("started", mark, "JOB=phoenix");

        var second = await PidIn(sv, pidFile);
        Assert.NotEqual(first, second);
        Assert.Equal(second, await sv.MainPid("phoenix"));
        Assert.Empty(sv.Notifications.Events("stopped", mark, "JOB=phoenix"));
    }

    [Fact]
    public async Task An_expect_fork_job_runs_pre_start_before_the_daemon_and_post_stop_after_it_with_both_logged()
    {
        await using var sv = await Supervisor.StartAsync();
        var pidFile = Path.Combine(sv.WorkDirectory, "daemon.pid");
        await sv.LoadAsync(("daemon", $"""
            pre-start exec /bin/echo pre-start ran
            exec {Programs.Forker} 1 setsid {pidFile}
            expect fork
            post-stop script
              echo post-stop ran
            end script
            """));

        var running = await sv.StartJob("daemon");
        var daemon = await PidIn(sv, pidFile);
        Assert.Equal("running", running.State);
        Assert.Equal(daemon, await sv.MainPid("daemon"));

        var stopped = await sv.StopJob("daemon");

        Assert.Equal("waiting", stopped.State);
        Assert.Null(ProcScan.Read(daemon));
        Assert.Equal("pre-start ran\npost-stop ran\n", await sv.LogContaining("daemon", "", "pre-start ran", "post-stop ran"));
    }

    private static async Task<int> PidIn(Supervisor sv, string path) =>
        int.Parse((await Supervisor.FileWritten(path)).Trim(), CultureInfo.InvariantCulture);
}
