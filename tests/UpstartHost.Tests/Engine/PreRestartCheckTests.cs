using System.Text;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>Test then restart: the pre-restart check in front of restart and reload (docs/job-files.md "pre-restart").</summary>
public sealed class PreRestartCheckTests
{
    private static EngineHarness Running(EngineOptions? options = null)
    {
        var h = new EngineHarness(options).With(EngineHarness.Service("test", ProcessKind.PreRestart));
        _ = h.Start();
        Assert.Equal("start/running", h.Status());
        return h;
    }

    private static SpawnRequest CheckSpawn(EngineHarness h) => h.Processes.LastSpawn(ProcessKind.PreRestart);

    /// <summary>The check writes its output (as the pty gives it, \r\n), exits, and its output ends.</summary>
    private static void CheckEnds(EngineHarness h, int status, string output = "")
    {
        var tail = CheckSpawn(h).Output!;
        tail.Append(Encoding.UTF8.GetBytes(output));
        h.Exit(ProcessKind.PreRestart, status);
        tail.Complete();
    }

    private static EngineException Refusal(Task<JobSnapshot> reply)
    {
        Assert.True(reply.IsFaulted);
        return Assert.IsType<EngineException>(reply.Exception!.InnerException);
    }

    [Fact]
    public void A_restart_first_runs_the_check_and_touches_nothing_while_it_runs()
    {
        var h = Running();
        var main = h.Pid(ProcessKind.Main);

        var reply = h.Settle(h.Core.Restart("test", [], wait: false));

        Assert.False(reply.IsCompleted);
        Assert.Empty(h.Processes.Signals);
        Assert.Equal("start/running", h.Status());
        Assert.Equal(main, h.Pid(ProcessKind.Main));
        Assert.True(h.Pid(ProcessKind.PreRestart) > 0);
    }

    [Fact]
    public void The_check_runs_as_the_jobs_processes_do_with_its_environment_and_log()
    {
        var h = Running();
        _ = h.Settle(h.Core.Restart("test", [], wait: false));

        var spawn = CheckSpawn(h);
        Assert.Contains("UPSTART_JOB=test", spawn.Environment);
        Assert.Equal("/var/log/upstart/test.log", spawn.LogPath);
        Assert.Same(h.Instance().Config, spawn.Config);
    }

    [Fact]
    public void A_check_that_passes_lets_the_restart_go_ahead()
    {
        var h = Running();
        var main = h.Pid(ProcessKind.Main);
        var reply = h.Settle(h.Core.Restart("test", [], wait: false));

        CheckEnds(h, 0, "syntax is ok\r\n");

        Assert.True(reply.IsCompletedSuccessfully);
        Assert.Equal([(main, 15, true)], h.Processes.Signals);
        h.KillWith(ProcessKind.Main, 15);
        Assert.Equal("start/running", h.Status());
        Assert.NotEqual(main, h.Pid(ProcessKind.Main));
        Assert.Empty(h.EventLines(JobEvents.RestartRefused));
    }

    [Fact]
    public void A_check_that_fails_refuses_the_restart_with_its_status_and_last_lines_and_says_so_in_an_event()
    {
        var h = Running();
        var main = h.Pid(ProcessKind.Main);
        var reply = h.Settle(h.Core.Restart("test", [], wait: true));

        CheckEnds(h, 1, "checking config\r\nline 12: unknown directive \"lisen\"\r\n\r\n");

        var refusal = Refusal(reply);
        Assert.Equal(EngineError.CheckFailed, refusal.Error);
        Assert.Equal("Job not restarted: test pre-restart check terminated with status 1", refusal.Message);
        var check = refusal.Check!;
        Assert.Equal(("test", "", CheckFailure.Failed, (int?)1, false), (check.Job, check.Instance, check.Result, check.Status, check.Signaled));
        Assert.Equal(["checking config", "line 12: unknown directive \"lisen\""], check.Lines);
        Assert.Empty(h.Processes.Signals);
        Assert.Equal("start/running", h.Status());
        Assert.Equal(main, h.Pid(ProcessKind.Main));
        Assert.Equal(
            ["restart-refused JOB=test INSTANCE= REQUEST=restart RESULT=failed EXIT_STATUS=1"],
            h.EventLines(JobEvents.RestartRefused));
    }

    [Fact]
    public void A_reload_is_sent_only_when_the_check_passes()
    {
        var h = Running();
        var main = h.Pid(ProcessKind.Main);

        var refused = h.Settle(h.Core.Reload("test", []));
        CheckEnds(h, 2);
        Assert.Equal("Job not reloaded: test pre-restart check terminated with status 2", Refusal(refused).Message);
        Assert.Empty(h.Processes.Signals);
        Assert.Equal(
            ["restart-refused JOB=test INSTANCE= REQUEST=reload RESULT=failed EXIT_STATUS=2"],
            h.EventLines(JobEvents.RestartRefused));

        var reloaded = h.Settle(h.Core.Reload("test", []));
        Assert.Empty(h.Processes.Signals);
        CheckEnds(h, 0);
        Assert.True(reloaded.IsCompletedSuccessfully);
        Assert.Equal([(main, 1, false)], h.Processes.Signals);
    }

    [Fact]
    public void A_check_that_runs_too_long_is_killed_and_the_restart_refused_as_a_timeout()
    {
        var h = Running(new EngineOptions { LogDirectory = "/var/log/upstart", AppArmorAvailable = false, PreRestartTimeout = TimeSpan.FromSeconds(10) });
        var reply = h.Settle(h.Core.Restart("test", [], wait: true));
        var check = h.Pid(ProcessKind.PreRestart);

        h.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(h.Processes.Signals);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([(check, SignalNames.Kill, true)], h.Processes.Signals);
        Assert.False(reply.IsCompleted);

        CheckSpawn(h).Output!.Complete();
        h.KillWith(ProcessKind.PreRestart, SignalNames.Kill);

        Assert.Equal("Job not restarted: test pre-restart check timed out after 10s", Refusal(reply).Message);
        Assert.Equal(
            ["restart-refused JOB=test INSTANCE= REQUEST=restart RESULT=timeout EXIT_SIGNAL=KILL"],
            h.EventLines(JobEvents.RestartRefused));
        Assert.Equal("start/running", h.Status());
    }

    [Fact]
    public void Output_that_does_not_end_with_the_check_holds_the_answer_for_one_second_at_most()
    {
        var h = Running();
        var reply = h.Settle(h.Core.Restart("test", [], wait: true));
        CheckSpawn(h).Output!.Append("bad\r\n"u8);

        h.Exit(ProcessKind.PreRestart, 1);
        Assert.False(reply.IsCompleted);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["bad"], Refusal(reply).Check!.Lines);
    }

    [Fact]
    public void A_check_that_cannot_be_run_refuses_the_restart()
    {
        var h = Running();
        h.Processes.FailingKinds.Add(ProcessKind.PreRestart);

        var reply = h.Settle(h.Core.Restart("test", [], wait: true));

        Assert.Equal("Job not restarted: test pre-restart check could not be run", Refusal(reply).Message);
        Assert.Equal(
            ["restart-refused JOB=test INSTANCE= REQUEST=restart RESULT=unrunnable"],
            h.EventLines(JobEvents.RestartRefused));
        Assert.Empty(h.Processes.Signals);
    }

    [Fact]
    public void A_second_request_while_the_check_runs_is_refused()
    {
        var h = Running();
        var first = h.Settle(h.Core.Restart("test", [], wait: true));

        var second = h.Settle(h.Core.Reload("test", []));

        Assert.Equal(EngineError.CheckInProgress, Refusal(second).Error);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public void A_second_request_is_refused_even_when_the_main_process_died_meanwhile()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreRestart, ProcessKind.PostStop) with { Respawn = true });
        _ = h.Start();
        var first = h.Settle(h.Core.Restart("test", [], wait: true));
        h.Processes.HoldOutcomes = true;
        h.Exit(ProcessKind.Main, 1);
        Assert.Equal("start/post-stop", h.Status());
        Assert.False(h.Instance().MainAlive);

        var second = h.Settle(h.Core.Restart("test", [], wait: false));

        Assert.Equal(EngineError.CheckInProgress, Refusal(second).Error);
        Assert.False(first.IsCompleted);
    }

    [Fact]
    public void A_job_that_is_not_running_restarts_without_the_check()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart, ProcessKind.PreRestart));
        _ = h.Start(wait: false);
        Assert.Equal("start/pre-start", h.Status());

        _ = h.Settle(h.Core.Restart("test", [], wait: false));

        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.PreRestart);
    }

    [Fact]
    public void Stopping_the_job_while_its_check_runs_kills_the_check_and_fails_the_request()
    {
        var h = Running();
        var reply = h.Settle(h.Core.Restart("test", [], wait: true));
        var check = h.Pid(ProcessKind.PreRestart);

        h.StopAndReap();

        Assert.Equal("stop/waiting", h.Status());
        Assert.Contains((check, SignalNames.Kill, true), h.Processes.Signals);
        Assert.Equal(EngineError.JobNotRunning, Refusal(reply).Error);
    }

    [Fact]
    public void A_job_without_a_check_restarts_at_once()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start();
        var main = h.Pid(ProcessKind.Main);

        _ = h.Settle(h.Core.Restart("test", [], wait: false));

        Assert.Equal([(main, 15, true)], h.Processes.Signals);
    }
}
