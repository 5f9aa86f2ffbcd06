using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// Spawns are confirmed asynchronously (ProcessSpawned / ProcessSpawnFailed), as in Upstart 1.13 where a
/// job waits in its "-ing" state for the child's exec: the job does not move on before the confirmation,
/// and what arrives before it is acted on after it.
/// </summary>
public sealed class SpawnConfirmationTests
{
    private static EngineHarness Held(JobClassConfig config)
    {
        var h = new EngineHarness().With(config);
        h.Processes.HoldOutcomes = true;
        return h;
    }

    private static void Deliver(EngineHarness h)
    {
        foreach (var outcome in h.Processes.TakeOutcomes())
        {
            h.Notice(outcome);
        }
    }

    [Fact]
    public async Task A_service_stays_in_spawned_until_its_exec_is_confirmed()
    {
        var h = Held(EngineHarness.Service());

        var request = h.Start();

        Assert.Equal("start/spawned", h.Status());
        Assert.False(request.IsCompleted);
        Assert.DoesNotContain(h.JobEventLines, l => l.StartsWith("started", StringComparison.Ordinal));

        Deliver(h);

        Assert.Equal("start/running", h.Status());
        Assert.Equal(JobState.Running, (await request.WaitAsync(TimeSpan.FromSeconds(5))).State);
    }

    [Fact]
    public void Post_start_is_not_spawned_before_main_is_confirmed()
    {
        var h = Held(EngineHarness.Service("test", ProcessKind.PostStart));

        _ = h.Start(wait: false);
        Assert.Equal([ProcessKind.Main], h.Processes.Spawns.Select(s => s.Kind));

        Deliver(h);

        Assert.Equal("start/post-start", h.Status());
        Assert.Equal([ProcessKind.Main, ProcessKind.PostStart], h.Processes.Spawns.Select(s => s.Kind));
    }

    [Fact]
    public void An_exit_before_the_confirmation_is_acted_on_after_it()
    {
        var h = Held(EngineHarness.Service());
        _ = h.Start(wait: false);
        var pid = h.Pid(ProcessKind.Main);

        h.Notice(new ProcessExited(pid, 3, false));
        Assert.Equal("start/spawned", h.Status());

        h.Notice(new ProcessSpawned(pid));

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal(
            ["starting JOB=test INSTANCE=", "started JOB=test INSTANCE=", "stopping JOB=test INSTANCE= RESULT=failed PROCESS=main EXIT_STATUS=3", "stopped JOB=test INSTANCE= RESULT=failed PROCESS=main EXIT_STATUS=3"],
            h.JobEventLines);
    }

    [Fact]
    public void A_spawn_failure_fails_the_job_with_no_exit_status_and_drops_an_early_exit()
    {
        var h = Held(EngineHarness.Service("test", ProcessKind.PreStart));
        _ = h.Start(wait: false);
        var pid = h.Pid(ProcessKind.PreStart);

        h.Notice(new ProcessExited(pid, 1, false));
        h.Notice(new ProcessSpawnFailed(pid, "unable to find setuid user"));

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=pre-start", h.JobEventLines[^1]);
        Assert.Contains("Failed to spawn test pre-start process: unable to find setuid user", h.Log.Warnings);
        Assert.DoesNotContain(h.Processes.Spawns, s => s.Kind == ProcessKind.Main);
    }

    [Fact]
    public void A_stop_while_the_spawn_is_unconfirmed_takes_effect_after_it()
    {
        var h = Held(EngineHarness.Service());
        _ = h.Start(wait: false);
        var pid = h.Pid(ProcessKind.Main);

        _ = h.Stop(wait: false);
        Assert.Equal("stop/spawned", h.Status());
        Assert.Empty(h.Processes.Signals);

        Deliver(h);

        Assert.Equal("stop/killed", h.Status());
        Assert.Contains((pid, 15, true), h.Processes.Signals);
    }

    [Fact]
    public void A_stop_while_an_expect_fork_spawn_is_unconfirmed_kills_main_once_it_is()
    {
        var h = Held(EngineHarness.Service() with { Expect = ExpectMode.Fork });
        _ = h.Start(wait: false);
        var pid = h.Pid(ProcessKind.Main);

        _ = h.Stop(wait: false);
        Assert.Empty(h.Processes.Signals);

        Deliver(h);

        Assert.Equal("stop/spawned", h.Status());
        Assert.Contains((pid, 15, true), h.Processes.Signals);
        h.Notice(new ProcessExited(pid, 15 << 8, true));
        Assert.Equal("stop/waiting", h.Status());
    }

    [Fact]
    public void Outcomes_for_a_pid_the_engine_does_not_know_change_nothing()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start(wait: false);

        h.Notice(new ProcessSpawned(77777));
        h.Notice(new ProcessSpawnFailed(77778, "unable to execute: No such file or directory"));

        Assert.Equal("start/running", h.Status());
        Assert.Null(h.Instance().Failure);
    }
}
