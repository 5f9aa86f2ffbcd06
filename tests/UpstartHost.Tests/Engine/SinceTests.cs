using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// Since when an instance has been in its state (beyond Upstart; docs/beyond-upstart.md, "Since when"): a running job
/// says since when it runs, a respawn or restart starts that again, a stopped job shows when its last instance ended,
/// and a daemon restart keeps it. Status, list and the published status all show the same time.
/// </summary>
public sealed class SinceTests
{
    private static JobClassConfig Respawning(string name = "test") =>
        EngineHarness.Service(name) with { Respawn = true, RespawnLimit = new RespawnLimit(10, 5) };

    private static JobSnapshot StatusOf(EngineHarness h, string job = "test") => Assert.Single(h.Core.Status(job, null));

    private static JobSnapshot Published(EngineHarness h, string job = "test") =>
        Assert.Single(PublishedStatus.Take(1, h.Core.Classes).Status(job, null));

    [Fact]
    public void A_running_job_is_running_since_it_got_there_however_long_it_runs()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        var started = h.Clock.UtcNow;
        _ = h.Start();

        h.Clock.Advance(TimeSpan.FromHours(3));

        Assert.Equal(("start/running", started), (h.Status(), StatusOf(h).Since));
        Assert.Equal(started, h.Core.List().Single().Since);
        Assert.Equal(started, Published(h).Since);
    }

    [Fact]
    public void A_respawn_starts_the_time_again_and_the_published_status_shows_the_new_one()
    {
        var h = new EngineHarness().With(Respawning());
        _ = h.Start();
        var before = PublishedStatus.Take(1, h.Core.Classes);
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        var crashed = h.Clock.UtcNow;

        h.Exit(ProcessKind.Main, 1);
        h.Pump();

        Assert.Equal(("start/running", crashed), (h.Status(), StatusOf(h).Since));
        Assert.Equal(crashed, Assert.Single(PublishedStatus.Take(2, h.Core.Classes, before).Status("test", null)).Since);
    }

    [Fact]
    public void A_restart_starts_the_time_again_though_the_job_has_no_process_to_change()
    {
        // No main process: nothing but the time tells the published status that the instance went round.
        var h = new EngineHarness().With(new JobClassConfig { Name = "test" });
        _ = h.Start();
        var before = PublishedStatus.Take(1, h.Core.Classes);
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        var restarted = h.Clock.UtcNow;

        _ = h.Settle(h.Core.Restart("test", [], wait: true));

        Assert.Equal(("start/running", restarted), (h.Status(), StatusOf(h).Since));
        Assert.Equal(restarted, Assert.Single(PublishedStatus.Take(2, h.Core.Classes, before).Status("test", null)).Since);
    }

    [Fact]
    public void A_stopped_job_shows_when_its_last_instance_ended_and_one_that_never_ran_shows_nothing()
    {
        var h = new EngineHarness().With(EngineHarness.Service()).With(EngineHarness.Service("idle"));
        _ = h.Start();
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        var stopped = h.Clock.UtcNow;
        h.StopAndReap();

        h.Clock.Advance(TimeSpan.FromMinutes(20));

        var test = StatusOf(h);
        Assert.Equal(("stop/waiting", false, stopped), (h.Status(), test.HasInstance, test.Since));
        Assert.Equal(stopped, h.Core.List().Single(s => s.Name == "test").Since);
        Assert.Equal(stopped, Published(h).Since);
        Assert.Null(StatusOf(h, "idle").Since);
        Assert.Null(Published(h, "idle").Since);
    }

    [Fact]
    public void A_task_that_ran_shows_when_it_finished()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Task = true });
        _ = h.Start(wait: false);
        h.Clock.Advance(TimeSpan.FromSeconds(42));
        var finished = h.Clock.UtcNow;

        h.Exit(ProcessKind.Main, 0);

        Assert.Equal(("stop/waiting", finished), (h.Status(), StatusOf(h).Since));
    }

    [Fact]
    public void A_daemon_restart_keeps_the_time_in_the_record_and_the_resumed_instance()
    {
        var before = new EngineHarness().With(EngineHarness.Service());
        before.Clock.Advance(TimeSpan.FromSeconds(7));
        var started = before.Clock.UtcNow;
        _ = before.Start();
        before.Clock.Advance(TimeSpan.FromHours(1));
        var records = before.Core.SnapshotInstances();
        Assert.Equal(started, Assert.Single(records).SinceUtc);

        var after = Resume(records, TimeSpan.FromHours(2));

        Assert.Equal(("start/running", started), (after.Status(), StatusOf(after).Since));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_record_without_a_time_or_with_one_ahead_of_the_clock_resumes_as_of_now(bool ahead)
    {
        var before = new EngineHarness().With(EngineHarness.Service());
        _ = before.Start();
        var record = Assert.Single(before.Core.SnapshotInstances());
        record = record with { SinceUtc = ahead ? before.Clock.UtcNow.AddDays(1) : null };

        var after = Resume([record], TimeSpan.FromMinutes(5));

        Assert.Equal(after.Clock.UtcNow, StatusOf(after).Since);
    }

    /// <summary>A second engine restored from <paramref name="records"/>, its clock <paramref name="later"/> on; every process adopted.</summary>
    private static EngineHarness Resume(IReadOnlyList<InstanceRecord> records, TimeSpan later)
    {
        var to = new EngineHarness().With(EngineHarness.Service());
        to.Clock.Advance(later);
        to.Core.Restore(records, (long)later.TotalSeconds, _ => true);
        to.Pump();
        return to;
    }
}
