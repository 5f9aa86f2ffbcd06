using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// The respawn back-off across a daemon restart (docs/daemon.md "Restarting the daemon", docs/engine.md
/// "Respawn back-off"): a wait in progress goes on for what was left of it, and the doubling goes on where
/// it stopped.
/// </summary>
public sealed class RestoreBackoffTests
{
    private static JobClassConfig Flapping(double initial, double max, params ProcessKind[] extra) =>
        EngineHarness.Service("test", extra) with
        {
            Respawn = true,
            RespawnDelay = new RespawnDelay(TimeSpan.FromSeconds(initial), TimeSpan.FromSeconds(max)),
            RespawnLimit = new RespawnLimit(0, 0),
        };

    private static IReadOnlyList<string> Delays(EngineHarness h) =>
        [.. h.EventLines(JobEvents.Respawning).Select(line => line[(line.LastIndexOf("DELAY=", StringComparison.Ordinal) + 6)..])];

    /// <summary>
    /// A second engine resumed from the first one's snapshot, its clock <paramref name="downFor"/> later
    /// than the first one's (the time the restart took); every recorded process is adopted.
    /// </summary>
    private static EngineHarness Resume(EngineHarness from, JobClassConfig config, TimeSpan downFor)
    {
        var snapshot = from.Core.SnapshotInstances();
        var to = new EngineHarness().With(config);
        to.Clock.Advance(from.Clock.Monotonic - to.Clock.Monotonic + downFor);
        to.Core.Restore(snapshot, (long)downFor.TotalSeconds, _ => true);
        to.Pump();
        return to;
    }

    private static int MainSpawns(EngineHarness h) => h.Processes.Spawns.Count(s => s.Kind == ProcessKind.Main);

    [Fact]
    public void A_wait_in_progress_waits_only_what_was_left_and_respawns_once_without_announcing_it_again()
    {
        var before = new EngineHarness().With(Flapping(10, 60));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        var due = before.Instance().Backoff.Due;
        before.Clock.Advance(TimeSpan.FromSeconds(3));

        var after = Resume(before, Flapping(10, 60), TimeSpan.FromSeconds(2));

        Assert.Equal("start/post-stop", after.Status());
        Assert.Equal(due, JobSnapshots.Of(after.Instance()).NextRespawn);
        Assert.Equal(0, MainSpawns(after));
        Assert.Contains(after.Log.Entries, e => e.Message == "test respawn wait resumed, 5s left");
        after.Clock.Advance(TimeSpan.FromMilliseconds(4999));
        after.Pump();
        Assert.Equal(("start/post-stop", 0), (after.Status(), MainSpawns(after)));

        after.Clock.Advance(TimeSpan.FromMilliseconds(1));
        after.Pump();

        Assert.Equal(("start/running", 1), (after.Status(), MainSpawns(after)));
        Assert.Empty(after.EventLines(JobEvents.Respawning));
        Assert.Equal(0, after.Clock.PendingTimers);
    }

    [Fact]
    public void A_wait_that_fell_due_while_no_daemon_ran_respawns_at_once()
    {
        var before = new EngineHarness().With(Flapping(2, 60));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);

        var after = Resume(before, Flapping(2, 60), TimeSpan.FromSeconds(3));

        Assert.Equal(("start/running", 1), (after.Status(), MainSpawns(after)));
        Assert.Null(JobSnapshots.Of(after.Instance()).NextRespawn);
    }

    [Fact]
    public void A_recorded_due_time_far_ahead_is_cut_to_the_wait_itself()
    {
        var before = new EngineHarness().With(Flapping(2, 60));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        var snapshot = before.Core.SnapshotInstances();
        var record = snapshot[0] with { Backoff = snapshot[0].Backoff! with { DueUtc = DateTimeOffset.MaxValue } };
        var after = new EngineHarness().With(Flapping(2, 60));

        after.Core.Restore([record], 0, _ => true);
        after.Pump();
        after.Clock.Advance(TimeSpan.FromSeconds(2));
        after.Pump();

        Assert.Equal(("start/running", 1), (after.Status(), MainSpawns(after)));
    }

    [Fact]
    public void Stop_cancels_a_resumed_wait_at_once()
    {
        var before = new EngineHarness().With(Flapping(30, 60));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        var after = Resume(before, Flapping(30, 60), TimeSpan.Zero);

        var stopped = after.Stop();

        Assert.True(stopped.IsCompletedSuccessfully);
        Assert.Equal("stop/waiting", after.Status());
        Assert.Equal(0, after.Clock.PendingTimers);
        after.Clock.Advance(TimeSpan.FromSeconds(60));
        after.Pump();
        Assert.Equal(0, MainSpawns(after));
    }

    [Fact]
    public void A_young_death_after_the_restart_doubles_the_wait_the_earlier_daemon_used()
    {
        var before = new EngineHarness().With(Flapping(1, 8));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        before.Clock.Advance(TimeSpan.FromSeconds(1));
        before.Pump();
        Assert.Equal("start/running", before.Status());

        var after = Resume(before, Flapping(1, 8), TimeSpan.FromSeconds(1));
        after.Exit(ProcessKind.Main, 1);

        Assert.Equal(["2"], Delays(after));
    }

    [Fact]
    public void A_main_process_that_stayed_up_across_the_restart_resets_the_wait()
    {
        var before = new EngineHarness().With(Flapping(1, 8));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        before.Clock.Advance(TimeSpan.FromSeconds(1));
        before.Pump();
        before.Clock.Advance(TimeSpan.FromSeconds(5));

        // Up 5 s before the restart and 3 s after it: MAX (8 s) in all.
        var after = Resume(before, Flapping(1, 8), TimeSpan.FromSeconds(3));
        after.Exit(ProcessKind.Main, 1);

        Assert.Equal(["1"], Delays(after));
    }

    [Fact]
    public void A_respawn_planned_while_post_stop_still_ran_waits_once_post_stop_ends()
    {
        var before = new EngineHarness().With(Flapping(4, 8, ProcessKind.PostStop));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        Assert.Equal(("start/post-stop", true), (before.Status(), before.Pid(ProcessKind.PostStop) > 0));

        var after = Resume(before, Flapping(4, 8, ProcessKind.PostStop), TimeSpan.Zero);
        after.Exit(ProcessKind.PostStop, 0);

        Assert.Equal(["4"], Delays(after));
        Assert.Equal(("start/post-stop", 0), (after.Status(), MainSpawns(after)));
        after.Clock.Advance(TimeSpan.FromSeconds(4));
        after.Pump();
        Assert.Equal(("start/running", 1), (after.Status(), MainSpawns(after)));
    }
}
