using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>Beyond Upstart: `respawn delay INITIAL [MAX]` and the daemon's default (docs/engine.md "Respawn back-off").</summary>
public sealed class RespawnBackoffTests
{
    private static RespawnDelay Delay(double initial, double max) => new(TimeSpan.FromSeconds(initial), TimeSpan.FromSeconds(max));

    private static EngineHarness Backoff(RespawnDelay? delay, RespawnLimit? limit = null, EngineOptions? options = null) =>
        new EngineHarness(options).With(EngineHarness.Service() with
        {
            Respawn = true,
            RespawnDelay = delay,
            RespawnLimit = limit ?? RespawnLimit.Default,
        });

    private static IReadOnlyList<string> Delays(EngineHarness h) =>
        [.. h.EventLines(JobEvents.Respawning).Select(line => line[(line.LastIndexOf("DELAY=", StringComparison.Ordinal) + 6)..])];

    [Fact]
    public void A_respawn_rests_in_post_stop_with_goal_start_until_its_delay_is_over()
    {
        var h = Backoff(Delay(2, 8));
        _ = h.Start();
        var first = h.Pid(ProcessKind.Main);

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/post-stop", h.Status());
        Assert.Equal(0, h.Pid(ProcessKind.Main));
        Assert.Equal(
            ["starting JOB=test INSTANCE=", "started JOB=test INSTANCE=", "stopping JOB=test INSTANCE= RESULT=ok"],
            h.JobEventLines);
        Assert.Equal(["respawning JOB=test INSTANCE= DELAY=2"], h.EventLines(JobEvents.Respawning));
        Assert.Contains("test respawn delayed by 2s", h.Log.Warnings);

        h.Clock.Advance(TimeSpan.FromMilliseconds(1999));
        h.Pump();
        Assert.Equal("start/post-stop", h.Status());

        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        h.Pump();
        Assert.Equal("start/running", h.Status());
        Assert.NotEqual(first, h.Pid(ProcessKind.Main));
        Assert.Equal("starting JOB=test INSTANCE=", h.JobEventLines[^2]);
    }

    [Fact]
    public void While_waiting_the_snapshot_says_when_the_next_attempt_is_due()
    {
        var h = Backoff(Delay(0.5, 8));
        _ = h.Start();
        var died = h.Clock.UtcNow;

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal(died + TimeSpan.FromMilliseconds(500), JobSnapshots.Of(h.Instance()).NextRespawn);
        Assert.Equal(JobState.PostStop, JobSnapshots.Of(h.Instance()).State);
        h.Clock.Advance(TimeSpan.FromSeconds(0.5));
        h.Pump();
        Assert.Null(JobSnapshots.Of(h.Instance()).NextRespawn);
    }

    [Fact]
    public void Young_deaths_double_the_delay_up_to_max()
    {
        var h = Backoff(Delay(1, 5), new RespawnLimit(0, 0));
        _ = h.Start();

        for (var i = 0; i < 5; i++)
        {
            h.Exit(ProcessKind.Main, 1);
            h.Clock.Advance(TimeSpan.FromSeconds(5));
            h.Pump();
            Assert.Equal("start/running", h.Status());
        }

        Assert.Equal(["1", "2", "4", "5", "5"], Delays(h));
    }

    [Fact]
    public void A_main_process_that_stayed_up_for_max_resets_the_delay()
    {
        var h = Backoff(Delay(1, 4), new RespawnLimit(0, 0));
        _ = h.Start();
        h.Exit(ProcessKind.Main, 1);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Pump();
        h.Exit(ProcessKind.Main, 1);
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        h.Pump();

        // Just short of MAX is still young; MAX itself counts as having stayed up.
        h.Clock.Advance(TimeSpan.FromMilliseconds(3999));
        h.Exit(ProcessKind.Main, 1);
        h.Clock.Advance(TimeSpan.FromSeconds(4));
        h.Pump();
        h.Clock.Advance(TimeSpan.FromSeconds(4));
        h.Exit(ProcessKind.Main, 1);

        Assert.Equal(["1", "2", "4", "1"], Delays(h));
    }

    [Fact]
    public void Stop_cancels_the_wait_at_once()
    {
        var h = Backoff(Delay(30, 60));
        _ = h.Start();
        h.Exit(ProcessKind.Main, 1);
        var spawns = h.Processes.Spawns.Count;

        var stopped = h.Stop();

        Assert.True(stopped.IsCompletedSuccessfully);
        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=ok", h.JobEventLines[^1]);
        Assert.Equal(0, h.Clock.PendingTimers);
        h.Clock.Advance(TimeSpan.FromSeconds(60));
        h.Pump();
        Assert.Equal(spawns, h.Processes.Spawns.Count);
        Assert.Equal("stop/waiting", h.Status());
    }

    [Fact]
    public void Restart_cuts_the_wait_short()
    {
        var h = Backoff(Delay(30, 60));
        _ = h.Start();
        h.Exit(ProcessKind.Main, 1);

        var restarted = h.Settle(h.Core.Restart("test", [], wait: true));

        Assert.True(restarted.IsCompletedSuccessfully);
        Assert.Equal("start/running", h.Status());
        Assert.Equal(0, h.Clock.PendingTimers);
        Assert.Null(JobSnapshots.Of(h.Instance()).NextRespawn);
    }

    [Fact]
    public void The_respawn_limit_still_counts_every_delayed_attempt()
    {
        var h = Backoff(Delay(1, 8), new RespawnLimit(2, 60));
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Pump();
        h.Exit(ProcessKind.Main, 1);
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        h.Pump();
        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=failed PROCESS=respawn", h.JobEventLines[^1]);
        Assert.Equal(["1", "2"], Delays(h));
        Assert.Single(h.EventLines(JobEvents.RespawnLimitReached));
        Assert.Equal(0, h.Clock.PendingTimers);
    }

    [Fact]
    public void Without_a_delay_anywhere_the_respawn_is_immediate_as_in_upstart()
    {
        var h = Backoff(null);
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/running", h.Status());
        Assert.Empty(h.EventLines(JobEvents.Respawning));
        Assert.Equal(0, h.Clock.PendingTimers);
    }

    [Fact]
    public void The_daemon_default_applies_to_a_file_that_sets_no_delay()
    {
        var h = Backoff(null, options: new EngineOptions { AppArmorAvailable = false, RespawnDelay = Delay(3, 3) });
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/post-stop", h.Status());
        Assert.Equal(["3"], Delays(h));
    }

    [Fact]
    public void A_file_with_respawn_delay_0_opts_out_of_the_daemon_default()
    {
        var h = Backoff(RespawnDelay.None, options: new EngineOptions { AppArmorAvailable = false, RespawnDelay = Delay(3, 3) });
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/running", h.Status());
        Assert.Empty(h.EventLines(JobEvents.Respawning));
    }

    [Fact]
    public void With_process_events_off_the_wait_happens_without_the_event()
    {
        var h = Backoff(Delay(1, 1), options: new EngineOptions { AppArmorAvailable = false, EmitProcessEvents = false });
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);

        Assert.Equal("start/post-stop", h.Status());
        Assert.Empty(h.EventLines(JobEvents.Respawning));
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Pump();
        Assert.Equal("start/running", h.Status());
    }

    [Fact]
    public void A_post_stop_process_runs_before_the_wait_begins()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PostStop) with
        {
            Respawn = true,
            RespawnDelay = Delay(1, 1),
        });
        _ = h.Start();

        h.Exit(ProcessKind.Main, 1);
        Assert.Equal("start/post-stop", h.Status());
        Assert.Empty(h.EventLines(JobEvents.Respawning));

        h.Exit(ProcessKind.PostStop, 0);
        Assert.Equal(["1"], Delays(h));
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        h.Pump();
        Assert.Equal("start/running", h.Status());
    }
}
