using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>respawn, respawn limit and normal exit (UPSTART.md §c.2).</summary>
public sealed class RespawnTests
{
    private static EngineHarness Respawning(RespawnLimit limit, bool task = false) =>
        new EngineHarness().With(EngineHarness.Service() with { Respawn = true, RespawnLimit = limit, Task = task });

    [Fact]
    public void A_crashed_service_is_respawned_with_stopping_ok_and_no_stopped()
    {
        var h = Respawning(new RespawnLimit(10, 5));
        _ = h.Start("test", true, "COLOUR=red");
        var first = h.Pid(ProcessKind.Main);

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/running", h.Status());
        Assert.NotEqual(first, h.Pid(ProcessKind.Main));
        Assert.Equal(
            [
                "starting JOB=test INSTANCE=", "started JOB=test INSTANCE=",
                "stopping JOB=test INSTANCE= RESULT=ok", "starting JOB=test INSTANCE=", "started JOB=test INSTANCE=",
            ],
            h.JobEventLines);
        Assert.Contains("COLOUR=red", h.Processes.LastSpawn(ProcessKind.Main).Environment);
        Assert.Equal(["test main process (1001) terminated with status 1", "test main process ended, respawning"], h.Log.Warnings);
    }

    [Fact]
    public void Exceeding_the_limit_inside_the_interval_stops_the_job_as_failed_respawn()
    {
        var h = Respawning(new RespawnLimit(2, 10));
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);
        h.Exit(ProcessKind.Main, 1);
        Assert.Equal("start/running", h.Status());
        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=respawn", h.JobEventLines[^1]);
        Assert.Contains("test respawning too fast, stopped", h.Log.Warnings);
        Assert.Equal(["respawn-limit-reached JOB=test INSTANCE= COUNT=2 INTERVAL=10"], h.EventLines(JobEvents.RespawnLimitReached));
    }

    [Fact]
    public void A_respawn_after_the_interval_opens_a_new_window()
    {
        var h = Respawning(new RespawnLimit(1, 5));
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/running", h.Status());
        Assert.Equal(1, h.Instance().Respawns.Count);
    }

    [Fact]
    public void An_unlimited_respawn_never_gives_up()
    {
        var h = Respawning(new RespawnLimit(0, 0));
        _ = h.Start();

        for (var i = 0; i < 50; i++)
        {
            h.Exit(ProcessKind.Main, 1);
        }

        Assert.Equal("start/running", h.Status());
        Assert.Empty(h.EventLines(JobEvents.RespawnLimitReached));
    }

    [Fact]
    public void A_respawning_service_that_exits_zero_is_respawned()
    {
        var h = Respawning(new RespawnLimit(10, 5));
        _ = h.Start();

        h.Exit(ProcessKind.Main, 0);

        Assert.Equal("start/running", h.Status());
        Assert.Equal(["test main process ended, respawning"], h.Log.Warnings);
    }

    [Fact]
    public void A_respawning_task_that_exits_zero_has_finished()
    {
        var h = Respawning(new RespawnLimit(10, 5), task: true);
        _ = h.Start(wait: false);

        h.Exit(ProcessKind.Main, 0);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=ok", h.JobEventLines[^1]);
    }

    [Fact]
    public void A_status_listed_in_normal_exit_is_neither_a_failure_nor_respawned()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with
        {
            Respawn = true,
            NormalExit = [ExitStatus.FromStatus(2), ExitStatus.FromSignal(15)],
        });
        _ = h.Start();

        h.KillWith(ProcessKind.Main, 15);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=ok", h.JobEventLines[^1]);
    }

    [Fact]
    public void Respawn_disabled_by_the_daemon_fails_the_job_instead()
    {
        var h = new EngineHarness(new EngineOptions { DisableRespawn = true, AppArmorAvailable = false })
            .With(EngineHarness.Service() with { Respawn = true });
        _ = h.Start();

        h.Exit(ProcessKind.Main, 4);

        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=main EXIT_STATUS=4", h.JobEventLines[^1]);
    }

    [Fact]
    public void Every_process_exit_is_announced_with_a_process_exited_event()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart) with { Respawn = true });
        _ = h.Start();
        h.Exit(ProcessKind.PreStart, 0);
        var main = h.Pid(ProcessKind.Main);

        h.KillWith(ProcessKind.Main, 9);

        Assert.Equal(
            [
                "process-exited JOB=test INSTANCE= PROCESS=pre-start PID=1001 EXIT_STATUS=0 EXPECTED=yes",
                $"process-exited JOB=test INSTANCE= PROCESS=main PID={main} EXIT_SIGNAL=KILL EXPECTED=no",
            ],
            h.EventLines(JobEvents.ProcessExited));
    }

    [Fact]
    public void Process_events_can_be_turned_off()
    {
        var h = new EngineHarness(new EngineOptions { EmitProcessEvents = false, AppArmorAvailable = false })
            .With(EngineHarness.Service() with { Respawn = true, RespawnLimit = new RespawnLimit(1, 10) });
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);
        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Empty(h.EventLines(JobEvents.ProcessExited));
        Assert.Empty(h.EventLines(JobEvents.RespawnLimitReached));
    }
}
