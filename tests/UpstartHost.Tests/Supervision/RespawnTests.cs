using UpstartHost.Engine;
using UpstartHost.Processes.Native;

namespace UpstartHost.Tests.Supervision;

/// <summary>`respawn`, `respawn limit` and `normal exit` with real processes (UPSTART.md §c.2).</summary>
[Collection(RunAlone.Name)]
public sealed class RespawnTests
{
    [Fact]
    public async Task A_service_killed_with_SIGKILL_is_respawned_with_a_new_main_process()
    {
        await using var sv = await Supervisor.StartAsync(("svc", "respawn\nexec sleep 1000\n"));
        await sv.StartJob("svc");
        var first = await sv.MainPid("svc");
        var mark = sv.Notifications.Count;

        Assert.Equal(0, Libc.kill(first, Libc.SIGKILL));
        await sv.WaitForEvent("started", mark, "JOB=svc");

        var second = await sv.MainPid("svc");
        Assert.NotEqual(first, second);
        Assert.Null(ProcScan.Read(first));
        Assert.Equal("sleep", ProcScan.Read(second)?.Comm);
        var status = await sv.Status("svc");
        Assert.Equal((JobGoal.Start, JobState.Running), (status?.Goal, status?.State));
        var stopping = Assert.Single(sv.Notifications.Events("stopping", mark, "JOB=svc"));
        Assert.Equal("ok", NotificationLog.Value(stopping, "RESULT"));
        Assert.Empty(sv.Notifications.Events("stopped", mark, "JOB=svc"));
        Assert.Contains($"svc main process ({first}) killed by KILL signal", sv.EngineLog.Warnings);
        Assert.Contains("svc main process ended, respawning", sv.EngineLog.Warnings);
    }

    [Fact]
    public async Task An_alert_on_process_exited_EXPECTED_no_hears_of_a_crash_and_not_of_a_stop()
    {
        await using var sv = await Supervisor.StartAsync(
            ("svc", "respawn\nexec sleep 1000\n"),
            ("alert", "start on process-exited JOB=svc PROCESS=main EXPECTED=no\ninstance $PID\ntask\nexec /bin/true\n"));
        await sv.StartJob("svc");
        var crashed = await sv.MainPid("svc");
        var mark = sv.Notifications.Count;

        Assert.Equal(0, Libc.kill(crashed, Libc.SIGKILL));
        await sv.WaitForEvent("stopped", mark, "JOB=alert", $"INSTANCE={crashed}");
        await sv.WaitForEvent("started", mark, "JOB=svc");
        var stopped = await sv.MainPid("svc");
        var beforeStop = sv.Notifications.Count;
        await sv.StopJob("svc");

        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=svc", $"PID={crashed}", "EXIT_SIGNAL=KILL", "EXPECTED=no"));
        Assert.Single(sv.Notifications.Events("process-exited", beforeStop, "JOB=svc", $"PID={stopped}", "EXIT_SIGNAL=TERM", "EXPECTED=yes"));
        Assert.Empty(sv.Notifications.Events("starting", beforeStop, "JOB=alert"));
    }

    [Fact]
    public async Task A_main_process_that_keeps_exiting_hits_the_respawn_limit_and_the_job_stops_failed()
    {
        await using var sv = await Supervisor.StartAsync(("flap", "respawn\nrespawn limit 3 60\nexec /bin/false\n"));
        var mark = sv.Notifications.Count;

        await sv.Engine.StartAsync("flap", [], wait: false).WaitAsync(Supervisor.Bound);
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=flap");

        Assert.Equal("failed", NotificationLog.Value(stopped, "RESULT"));
        Assert.Equal("respawn", NotificationLog.Value(stopped, "PROCESS"));
        Assert.Null(NotificationLog.Value(stopped, "EXIT_STATUS"));
        Assert.Contains("flap respawning too fast, stopped", sv.EngineLog.Warnings);

        // The first run and three respawns inside the window; the fourth exit is one too many.
        Assert.Equal(4, sv.Notifications.Events("process-exited", mark, "JOB=flap", "PROCESS=main").Count);
        Assert.Single(sv.Notifications.Events("respawn-limit-reached", mark, "JOB=flap", "COUNT=3", "INTERVAL=60"));
        Assert.Null(await sv.Status("flap"));
    }

    [Fact]
    public async Task An_exit_status_listed_in_normal_exit_stops_a_respawning_service_without_respawn()
    {
        await using var sv = await Supervisor.StartAsync(("calm", "respawn\nnormal exit 0 3\nexec /bin/sh -c \"exit 3\"\n"));
        var mark = sv.Notifications.Count;

        await sv.Engine.StartAsync("calm", [], wait: false).WaitAsync(Supervisor.Bound);
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=calm");

        Assert.Equal("ok", NotificationLog.Value(stopped, "RESULT"));
        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=calm", "PROCESS=main", "EXIT_STATUS=3"));
        Assert.Single(sv.Notifications.Events("starting", mark, "JOB=calm"));
        Assert.DoesNotContain("calm main process ended, respawning", sv.EngineLog.Warnings);
    }

    [Fact]
    public async Task An_exit_status_not_listed_in_normal_exit_is_respawned()
    {
        await using var sv = await Supervisor.StartAsync(
            ("picky", "respawn\nrespawn limit 1 60\nnormal exit 3\nexec /bin/sh -c \"exit 4\"\n"));
        var mark = sv.Notifications.Count;

        await sv.Engine.StartAsync("picky", [], wait: false).WaitAsync(Supervisor.Bound);
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=picky");

        Assert.Equal("respawn", NotificationLog.Value(stopped, "PROCESS"));
        Assert.Equal(2, sv.Notifications.Events("process-exited", mark, "JOB=picky", "PROCESS=main", "EXIT_STATUS=4").Count);
    }
}
