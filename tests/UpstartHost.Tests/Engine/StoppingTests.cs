using System.Collections.Immutable;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>pre-stop, the kill signal and kill timeout, post-stop and reload (UPSTART.md §a.1, §c.1).</summary>
public sealed class StoppingTests
{
    [Fact]
    public void The_kill_signal_goes_to_the_main_process_group_and_kill_follows_after_the_timeout()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { KillSignal = 2, KillTimeout = 7 });
        _ = h.Start();
        var pid = h.Pid(ProcessKind.Main);

        _ = h.Stop(wait: false);
        Assert.Equal([(pid, 2, true)], h.Processes.Signals);

        h.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Single(h.Processes.Signals);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([(pid, 2, true), (pid, SignalNames.Kill, true)], h.Processes.Signals);
        Assert.Equal("stop/killed", h.Status());

        h.KillWith(ProcessKind.Main, 9);
        Assert.Equal("stop/waiting", h.Status());
    }

    [Theory]
    [InlineData(22, 1)] // EINVAL: a number the kernel has no signal for
    [InlineData(1, 1)] // EPERM
    [InlineData(3, 0)] // ESRCH: the process is already gone, which its exit will say
    public void A_kill_signal_that_could_not_be_sent_is_warned_about_unless_the_process_is_gone(int errno, int warnings)
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { KillTimeout = 2 });
        _ = h.Start();
        var pid = h.Pid(ProcessKind.Main);
        h.Processes.SignalErrno = errno;

        _ = h.Stop(wait: false);

        Assert.Equal(warnings, h.Log.Entries.Count(e => e.Message.StartsWith($"Failed to send TERM signal to test main process ({pid}): ", StringComparison.Ordinal)));
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([(pid, 15, true), (pid, SignalNames.Kill, true)], h.Processes.Signals);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(3_000_000_000L)]
    public void A_kill_timeout_beyond_the_timer_range_waits_as_long_as_a_timer_can(long seconds)
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { KillTimeout = seconds });
        _ = h.Start();
        var pid = h.Pid(ProcessKind.Main);

        _ = h.Stop(wait: false);
        h.Clock.Advance(TimeSpan.FromDays(49));
        Assert.Equal([(pid, 15, true)], h.Processes.Signals);

        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal([(pid, 15, true), (pid, SignalNames.Kill, true)], h.Processes.Signals);
    }

    [Fact]
    public void A_negative_kill_timeout_left_by_a_failed_override_kills_at_once()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { KillTimeout = -5_000_000_000L });
        _ = h.Start();
        var pid = h.Pid(ProcessKind.Main);

        _ = h.Stop(wait: false);
        h.Clock.Advance(TimeSpan.Zero);
        Assert.Equal([(pid, 15, true), (pid, SignalNames.Kill, true)], h.Processes.Signals);
    }

    [Fact]
    public void A_main_process_that_dies_in_time_cancels_the_kill_timer()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start();

        h.StopAndReap();
        h.Clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Single(h.Processes.Signals);
        Assert.Equal(0, h.Clock.PendingTimers);
    }

    [Fact]
    public void Pre_stop_runs_only_while_the_main_process_is_alive_and_gets_the_stop_environment()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStop, ProcessKind.PostStop));
        _ = h.Start();

        _ = h.Stop("test", false, "REASON=maintenance");

        Assert.Equal("stop/pre-stop", h.Status());
        Assert.Contains("REASON=maintenance", h.Processes.LastSpawn(ProcessKind.PreStop).Environment);
        h.Exit(ProcessKind.PreStop, 0);
        Assert.Equal("stop/killed", h.Status());
        h.KillWith(ProcessKind.Main, 15);
        Assert.Equal("stop/post-stop", h.Status());
        Assert.Contains("REASON=maintenance", h.Processes.LastSpawn(ProcessKind.PostStop).Environment);
        Assert.DoesNotContain("REASON=maintenance", h.Processes.LastSpawn(ProcessKind.Main).Environment);
    }

    [Fact]
    public async Task A_start_that_cancels_a_stop_during_pre_stop_returns_once_the_service_runs_again()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStop));
        _ = h.Start();
        var pid = h.Pid(ProcessKind.Main);
        var stop = h.Stop();
        Assert.Equal("stop/pre-stop", h.Status());

        var start = h.Start();
        Assert.False(start.IsCompleted);
        Assert.Equal("start/pre-stop", h.Status());
        h.Exit(ProcessKind.PreStop, 0);

        // Running again with the same main process: the start has what it asked for, and so has the
        // blocking stop that was cancelled (initctl stop returns with the job running, as in Upstart).
        Assert.Equal("start/running", h.Status());
        Assert.Equal(pid, h.Pid(ProcessKind.Main));
        Assert.True(start.IsCompleted);
        Assert.Equal(JobState.Running, (await start).State);
        Assert.True(stop.IsCompleted);
        Assert.Empty(h.Instance().Blocking);
    }

    [Fact]
    public async Task A_start_superseded_by_a_stop_answers_with_the_goal_the_stop_set()
    {
        // The ssh job's idiom: pre-start stops its own job. The start that was waiting returns (not failed),
        // and what it reports is the job as it is now, as initctl's status after its reply would show it.
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        var start = h.Start();
        Assert.False(start.IsCompleted);

        _ = h.Stop(wait: false);

        Assert.True(start.IsCompletedSuccessfully);
        var answer = await start;
        Assert.Equal((JobGoal.Stop, JobState.PreStart), (answer.Goal, answer.State));
    }

    [Fact]
    public void A_task_whose_stop_is_cancelled_keeps_its_start_waiting_until_it_finishes()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStop) with { Task = true });
        _ = h.Start(wait: false);
        _ = h.Stop(wait: false);
        var start = h.Start();

        h.Exit(ProcessKind.PreStop, 0);
        Assert.Equal("start/running", h.Status());
        Assert.False(start.IsCompleted);

        h.Exit(ProcessKind.Main, 0);
        Assert.True(start.IsCompleted);
    }

    [Fact]
    public void A_service_whose_main_exited_skips_pre_stop()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStop));
        _ = h.Start();

        h.Exit(ProcessKind.Main, 0);

        Assert.Equal("stop/waiting", h.Status());
        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.PreStop);
    }

    [Fact]
    public async Task A_failing_post_stop_fails_the_stop_request()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PostStop));
        _ = h.Start();
        var request = h.Stop();
        h.KillWith(ProcessKind.Main, 15);

        h.Exit(ProcessKind.PostStop, 2);

        var error = await Assert.ThrowsAsync<EngineException>(() => request.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(("Job failed while stopping", EngineError.JobFailedWhileStopping), (error.Message, error.Error));
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=post-stop EXIT_STATUS=2", h.JobEventLines[^1]);
    }

    [Fact]
    public async Task Reload_sends_the_reload_signal_to_the_main_pid_only()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { ReloadSignal = 10 });
        _ = h.Start();

        await h.Core.Reload("test", []);

        Assert.Equal([(h.Pid(ProcessKind.Main), 10, false)], h.Processes.Signals);
    }

    [Fact]
    public async Task Reload_of_a_job_without_a_live_main_process_is_refused()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        _ = h.Start(wait: false);

        var error = await Assert.ThrowsAsync<EngineException>(() => h.Core.Reload("test", []));

        Assert.Equal(("Job is not running: test", EngineError.JobNotRunning), (error.Message, error.Error));
        Assert.Empty(h.Processes.Signals);
    }

    [Fact]
    public async Task Stop_all_stops_every_instance_and_refuses_new_starts()
    {
        var h = new EngineHarness().With(EngineHarness.Service("a")).With(EngineHarness.Service("b") with { Instance = "$N" });
        _ = h.Start("a");
        _ = h.Start("b", true, "N=1");
        _ = h.Start("b", true, "N=2");

        var all = h.Settle(h.Core.StopAll());
        Assert.False(all.IsCompleted);
        foreach (var (job, instance) in new[] { ("a", ""), ("b", "1"), ("b", "2") })
        {
            h.KillWith(ProcessKind.Main, 15, job, instance);
        }

        await all.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.Core.InstanceCount);
        var refused = await Assert.ThrowsAsync<EngineException>(() => h.Start("a"));
        Assert.Equal(EngineError.ShuttingDown, refused.Error);
    }

    [Theory]
    [InlineData("start on (starting svc and (bar or baz))\nexec /bin/sleep 100\n", "svc starting")]
    [InlineData("start on go\nstop on (stopping svc and bar)\nexec /bin/sleep 100\n", "svc stopping")]
    [InlineData("start on (stopping svc and bar)\nexec /bin/sleep 100\n", "svc running")]
    public async Task Stop_all_lets_go_of_events_that_conditions_only_partly_matched(string holder, string before)
    {
        // A `starting` or `stopping` event held by another job's half-matched condition would keep svc from ever
        // moving on (Upstart's blocking, faithful while the daemon runs), and so the daemon from stopping: held
        // before the stop of everything (the first two), or by its own `stopping svc` (the third).
        var h = new EngineHarness();
        h.Core.ApplyCatalog(new JobCatalog(
            new[] { JobFiles.Parse("svc", "exec /bin/sleep 100\n"), JobFiles.Parse("holder", holder) }.ToImmutableDictionary(j => j.Name), []));
        switch (before)
        {
            case "svc starting":
                _ = h.Start("svc", wait: false);
                Assert.Equal("start/starting", h.Status("svc", ""));
                break;
            case "svc stopping":
                await h.Emit("go");
                _ = h.Start("svc");
                _ = h.Stop("svc", wait: false);
                Assert.Equal("stop/stopping", h.Status("svc", ""));
                break;
            default:
                _ = h.Start("svc");
                break;
        }

        var all = h.Settle(h.Core.StopAll());
        foreach (var job in new[] { "svc", "holder" })
        {
            if (h.Core.List().Any(s => s.Name == job && s.Processes.Count > 0))
            {
                h.KillWith(ProcessKind.Main, 15, job, "");
            }
        }

        await all.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.Core.InstanceCount);
    }

    [Fact]
    public async Task Stop_all_stops_two_jobs_whose_stop_on_each_wait_for_the_others_stopping()
    {
        // Each one's `stopping` would be held by the other's half-matched `stop on`: both stuck in stop/stopping.
        var h = new EngineHarness();
        h.Core.ApplyCatalog(new JobCatalog(
            new[]
            {
                JobFiles.Parse("a", "stop on (stopping b and bar)\nexec /bin/sleep 100\n"),
                JobFiles.Parse("b", "stop on (stopping a and bar)\nexec /bin/sleep 100\n"),
            }.ToImmutableDictionary(j => j.Name),
            []));
        _ = h.Start("a");
        _ = h.Start("b");

        var all = h.Settle(h.Core.StopAll());
        Assert.Equal(["stop/killed", "stop/killed"], new[] { h.Status("a", ""), h.Status("b", "") });
        h.KillWith(ProcessKind.Main, 15, "a", "");
        h.KillWith(ProcessKind.Main, 15, "b", "");

        await all.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.Core.InstanceCount);
    }
}
