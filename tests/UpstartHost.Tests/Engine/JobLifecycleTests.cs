using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>Start and stop requests walking an instance through its states (UPSTART.md §c.1).</summary>
public sealed class JobLifecycleTests
{
    [Fact]
    public async Task Start_brings_a_service_to_running_and_the_request_completes_there()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));

        var request = h.Start();
        Assert.Equal("start/pre-start", h.Status());
        Assert.False(request.IsCompleted);

        h.Exit(ProcessKind.PreStart, 0);

        Assert.Equal("start/running", h.Status());
        var snapshot = await request.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(JobState.Running, snapshot.State);
        Assert.Equal(["starting JOB=test INSTANCE=", "started JOB=test INSTANCE="], h.JobEventLines);
        Assert.Equal([ProcessKind.PreStart, ProcessKind.Main], h.Processes.Spawns.Select(s => s.Kind));
    }

    [Fact]
    public async Task A_task_request_completes_only_when_the_task_has_stopped_again()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Task = true });

        var request = h.Start();
        Assert.Equal("start/running", h.Status());
        Assert.False(request.IsCompleted);

        h.Exit(ProcessKind.Main, 0);

        Assert.Equal("stop/waiting", h.Status());
        var snapshot = await request.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(snapshot.HasInstance);
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=ok", h.JobEventLines[^1]);
    }

    [Fact]
    public async Task A_failing_pre_start_fails_the_start_request_and_never_runs_main()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        var request = h.Start();

        h.Exit(ProcessKind.PreStart, 3);

        var error = await Assert.ThrowsAsync<EngineException>(() => request.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(EngineError.JobFailedToStart, error.Error);
        Assert.Equal("Job failed to start", error.Message);
        Assert.Equal("stop/waiting", h.Status());
        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.Main);
        Assert.Equal(
            [
                "starting JOB=test INSTANCE=",
                "stopping JOB=test INSTANCE= RESULT=failed PROCESS=pre-start EXIT_STATUS=3",
                "stopped JOB=test INSTANCE= RESULT=failed PROCESS=pre-start EXIT_STATUS=3",
            ],
            h.JobEventLines);
        Assert.Contains("test pre-start process (1001) terminated with status 3", h.Log.Warnings);
    }

    [Fact]
    public void Stop_during_pre_start_is_recorded_and_taken_up_when_pre_start_ends()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        _ = h.Start(wait: false);

        _ = h.Stop(wait: false);
        Assert.Equal("stop/pre-start", h.Status());

        h.Exit(ProcessKind.PreStart, 0);

        Assert.Equal("stop/waiting", h.Status());
        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.Main);
    }

    [Fact]
    public async Task Stop_of_a_running_service_kills_it_and_completes_at_waiting()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PostStop));
        _ = h.Start();
        var pid = h.Pid(ProcessKind.Main);

        var request = h.Stop();
        Assert.Equal("stop/killed", h.Status());
        Assert.Contains((pid, 15, true), h.Processes.Signals);

        h.KillWith(ProcessKind.Main, 15);
        Assert.Equal("stop/post-stop", h.Status());
        Assert.False(request.IsCompleted);

        h.Exit(ProcessKind.PostStop, 0);
        Assert.Equal("stop/waiting", h.Status());
        var snapshot = await request.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(JobState.Waiting, snapshot.State);
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=ok", h.JobEventLines[^1]);
    }

    [Fact]
    public async Task A_job_without_a_main_process_models_a_state()
    {
        var h = new EngineHarness().With(new JobClassConfig { Name = "state" });

        var started = await h.Start("state").WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(JobState.Running, started.State);
        Assert.Empty(h.Processes.Spawns);

        var stopped = await h.Stop("state").WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(JobState.Waiting, stopped.State);
    }

    [Fact]
    public async Task Requests_are_refused_with_initctl_messages()
    {
        var h = new EngineHarness().With(EngineHarness.Service());

        var unknown = await Assert.ThrowsAsync<EngineException>(() => h.Start("nope"));
        Assert.Equal(("Unknown job: nope", EngineError.UnknownJob), (unknown.Message, unknown.Error));

        var notRunning = await Assert.ThrowsAsync<EngineException>(() => h.Stop());
        Assert.Equal(("Unknown instance: ", EngineError.UnknownInstance), (notRunning.Message, notRunning.Error));

        _ = h.Start();
        var already = await Assert.ThrowsAsync<EngineException>(() => h.Start());
        Assert.Equal(("Job is already running: test", EngineError.AlreadyRunning), (already.Message, already.Error));

        _ = h.Stop(wait: false);
        var stopped = await Assert.ThrowsAsync<EngineException>(() => h.Stop());
        Assert.Equal(("Job has already been stopped: test", EngineError.AlreadyStopped), (stopped.Message, stopped.Error));
    }

    [Fact]
    public async Task Restart_goes_round_without_a_stopped_event_and_keeps_the_environment()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start("test", true, "COLOUR=blue");
        var pid = h.Pid(ProcessKind.Main);

        var request = h.Settle(h.Core.Restart("test", [], wait: true));
        Assert.Equal("start/killed", h.Status());
        h.KillWith(ProcessKind.Main, 15);

        Assert.Equal("start/running", h.Status());
        await request.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotEqual(pid, h.Pid(ProcessKind.Main));
        Assert.Contains("COLOUR=blue", h.Processes.LastSpawn(ProcessKind.Main).Environment);
        Assert.DoesNotContain(h.JobEventLines, l => l.StartsWith("stopped", StringComparison.Ordinal));
    }

    [Fact]
    public void Several_instances_live_at_once_and_are_named_from_the_start_environment()
    {
        var h = new EngineHarness().With(EngineHarness.Service("tty") with { Instance = "$TTY" });

        _ = h.Start("tty", true, "TTY=tty1");
        _ = h.Start("tty", true, "TTY=tty2");

        Assert.Equal("start/running", h.Status("tty", "tty1"));
        Assert.Equal("start/running", h.Status("tty", "tty2"));
        Assert.Equal(["tty (tty1)", "tty (tty2)"], h.Core.List().Select(s => $"{s.Name} ({s.Instance})"));
        Assert.Equal("started JOB=tty INSTANCE=tty2", h.JobEventLines[^1]);
    }

    [Fact]
    public void The_goal_change_that_creates_an_instance_already_names_it_for_watchers()
    {
        // Watch-UpstartEvent's table showed no instance on this row; the engine must keep naming it here.
        var h = new EngineHarness().Load("tty", "instance $TTY\nstart on console-up\nexec /sbin/getty $TTY\n");
        var seen = new List<EngineNotification>();
        h.Core.Notification += seen.Add;

        _ = h.Start("tty", true, "TTY=tty1");
        _ = h.Emit("console-up", "TTY=tty2");

        string Row(EngineNotification n) => $"{n.Kind} {n.Job} ({n.Instance}) {n.Goal?.ToUpstartName()}/{n.State?.ToUpstartName()}";
        var firstOfEach = seen.Where(n => n.Kind != NotificationKind.Event).GroupBy(n => n.Instance).Select(g => Row(g.First()));
        Assert.Equal(["Goal tty (tty1) start/waiting", "Goal tty (tty2) start/waiting"], firstOfEach);
    }

    [Fact]
    public async Task An_instance_pattern_naming_an_unknown_variable_is_refused_with_the_usage()
    {
        var h = new EngineHarness().With(EngineHarness.Service("tty") with { Instance = "$TTY", Usage = "tty TTY=ttyN" });

        var error = await Assert.ThrowsAsync<EngineException>(() => h.Start("tty"));

        Assert.Equal(EngineError.UnknownParameter, error.Error);
        Assert.Equal("Unknown parameter: TTY\nUsage: tty TTY=ttyN", error.Message);
        Assert.Equal(0, h.Core.InstanceCount);
    }

    [Fact]
    public void A_start_during_pre_stop_cancels_the_stop_without_a_second_started()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStop));
        _ = h.Start();
        _ = h.Stop(wait: false);
        Assert.Equal("stop/pre-stop", h.Status());

        _ = h.Start(wait: false);
        h.Exit(ProcessKind.PreStop, 0);

        Assert.Equal("start/running", h.Status());
        Assert.Single(h.JobEventLines, l => l.StartsWith("started", StringComparison.Ordinal));
    }

    [Fact]
    public void A_spawn_failure_of_main_fails_the_job_without_exit_details()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        h.Processes.FailingKinds.Add(ProcessKind.Main);

        _ = h.Start(wait: false);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=main", h.JobEventLines[^1]);
        Assert.Contains("Failed to spawn test main process: No such file or directory", h.Log.Warnings);
    }

    [Fact]
    public void A_post_start_that_cannot_be_spawned_is_only_logged()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PostStart));
        h.Processes.FailingKinds.Add(ProcessKind.PostStart);

        _ = h.Start(wait: false);

        Assert.Equal("start/running", h.Status());
        Assert.Null(h.Instance().Failure);
    }

    [Fact]
    public void Expect_keeps_the_job_in_spawned_until_the_process_layer_reports_readiness()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Expect = ExpectMode.Fork });
        _ = h.Start(wait: false);
        var pid = h.Pid(ProcessKind.Main);
        Assert.Equal("start/spawned", h.Status());

        h.Notice(new UpstartHost.Processes.ProcessReady(pid, 4242));

        Assert.Equal("start/running", h.Status());
        Assert.Equal(4242, h.Pid(ProcessKind.Main));
    }

    [Fact]
    public void A_stray_exit_of_a_process_outside_its_state_changes_nothing()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        var instance = h.Core.Seed("test", "", JobGoal.Start, JobState.Running, [(ProcessKind.Main, 50), (ProcessKind.PreStart, 51)]);

        h.Notice(new UpstartHost.Processes.ProcessExited(51, 1, false));

        Assert.Equal("start/running", h.Status());
        Assert.Null(instance.Failure);
        Assert.Equal(0, instance.Pid(ProcessKind.PreStart));
    }

    [Fact]
    public void An_exit_notice_for_an_unknown_pid_is_ignored()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start();

        h.Notice(new UpstartHost.Processes.ProcessExited(99999, 1, false));

        Assert.Equal("start/running", h.Status());
        Assert.Empty(h.Log.Warnings);
    }

    [Fact]
    public void With_apparmor_the_security_process_runs_before_pre_start_and_its_failure_fails_the_job()
    {
        var h = new EngineHarness(new EngineOptions { AppArmorAvailable = true })
            .With(EngineHarness.Service("test", ProcessKind.Security, ProcessKind.PreStart));

        _ = h.Start(wait: false);
        Assert.Equal("start/security", h.Status());
        h.Exit(ProcessKind.Security, 1);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=security EXIT_STATUS=1", h.JobEventLines[^1]);
        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.PreStart);
    }

    [Fact]
    public void Without_apparmor_the_security_process_is_skipped()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.Security));

        _ = h.Start(wait: false);

        Assert.Equal("start/running", h.Status());
        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.Security);
    }
}
