using UpstartHost.Engine;

namespace UpstartHost.Tests.Supervision;

/// <summary>Tasks, and processes that fail in each phase of a job, with real processes (UPSTART.md §c.2).</summary>
[Collection(RunAlone.Name)]
public sealed class TaskAndFailureTests
{
    [Fact]
    public async Task A_start_request_for_a_task_returns_only_when_the_task_has_finished()
    {
        await using var sv = await Supervisor.StartAsync(
            ("once", "task\nexec /bin/sh -c \"sleep 0.3; echo done > {work}/ran\"\n"));
        var mark = sv.Notifications.Count;

        var snapshot = await sv.StartJob("once");

        // The marker is the task's very last act: it exists, so the task had ended when start returned.
        Assert.Equal("done\n", await File.ReadAllTextAsync(Path.Combine(sv.WorkDirectory, "ran")));
        Assert.Equal((JobGoal.Stop, JobState.Waiting), (snapshot.Goal, snapshot.State));
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=once");
        Assert.Equal("ok", NotificationLog.Value(stopped, "RESULT"));
        Assert.Null(await sv.Status("once"));
    }

    [Fact]
    public async Task A_failing_pre_start_fails_the_job_and_the_main_process_never_runs()
    {
        await using var sv = await Supervisor.StartAsync(
            ("guarded", "pre-start exec /bin/false\nexec /bin/sh -c \"touch {work}/main-ran; exec sleep 1000\"\n"));
        var mark = sv.Notifications.Count;

        var error = await Assert.ThrowsAsync<EngineException>(() => sv.StartJob("guarded"));

        Assert.Equal(EngineError.JobFailedToStart, error.Error);
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=guarded");
        var stopping = Assert.Single(sv.Notifications.Events("stopping", mark, "JOB=guarded"));
        foreach (var e in new[] { stopping, stopped })
        {
            Assert.Equal("failed", NotificationLog.Value(e, "RESULT"));
            Assert.Equal("pre-start", NotificationLog.Value(e, "PROCESS"));
            Assert.Equal("1", NotificationLog.Value(e, "EXIT_STATUS"));
        }

        Assert.Empty(sv.Notifications.Events("process-exited", mark, "JOB=guarded", "PROCESS=main"));
        Assert.False(File.Exists(Path.Combine(sv.WorkDirectory, "main-ran")));
    }

    [Fact]
    public async Task A_failing_post_start_is_only_logged_and_the_service_keeps_running()
    {
        await using var sv = await Supervisor.StartAsync(("svc", "post-start exec /bin/false\nexec sleep 1000\n"));
        var mark = sv.Notifications.Count;

        var snapshot = await sv.StartJob("svc");

        Assert.Equal((JobGoal.Start, JobState.Running), (snapshot.Goal, snapshot.State));
        var postStart = Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=svc", "PROCESS=post-start", "EXIT_STATUS=1"));
        Assert.Contains($"svc post-start process ({NotificationLog.Value(postStart, "PID")}) terminated with status 1", sv.EngineLog.Warnings);
        Assert.Empty(sv.Notifications.Events("stopping", mark, "JOB=svc"));
        Assert.True(ProcScan.IsAlive(await sv.MainPid("svc")));
    }

    [Fact]
    public async Task A_failing_pre_stop_is_only_logged_and_the_stop_succeeds()
    {
        await using var sv = await Supervisor.StartAsync(("svc", "pre-stop exec /bin/false\nexec sleep 1000\n"));
        await sv.StartJob("svc");
        var main = await sv.MainPid("svc");
        var mark = sv.Notifications.Count;

        var snapshot = await sv.StopJob("svc");

        Assert.Equal((JobGoal.Stop, JobState.Waiting), (snapshot.Goal, snapshot.State));
        var preStop = Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=svc", "PROCESS=pre-stop", "EXIT_STATUS=1"));
        Assert.Contains($"svc pre-stop process ({NotificationLog.Value(preStop, "PID")}) terminated with status 1", sv.EngineLog.Warnings);
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=svc");
        Assert.Equal("ok", NotificationLog.Value(stopped, "RESULT"));
        Assert.Null(ProcScan.Read(main));
    }

    [Fact]
    public async Task A_main_process_that_cannot_be_executed_fails_the_start_with_the_reason_logged()
    {
        await using var sv = await Supervisor.StartAsync(("broken", "exec /nonexistent/upstartps-daemon\n"));
        var mark = sv.Notifications.Count;

        var error = await Assert.ThrowsAsync<EngineException>(() => sv.StartJob("broken"));

        Assert.Equal(EngineError.JobFailedToStart, error.Error);
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=broken");
        Assert.Equal(("failed", "main"), (NotificationLog.Value(stopped, "RESULT"), NotificationLog.Value(stopped, "PROCESS")));
        Assert.Contains(sv.EngineLog.Warnings, w => w.StartsWith("Failed to spawn broken main process: ", StringComparison.Ordinal));
    }
}
