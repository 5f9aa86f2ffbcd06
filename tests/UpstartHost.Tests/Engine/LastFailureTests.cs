using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// A job that failed and is down again still says why (JobClass.LastFailure): Upstart forgets the failure with
/// the instance, so a service stopped by its respawn limit would show only stop/waiting. Status, list and the
/// published status all show it, until the job starts again.
/// </summary>
public sealed class LastFailureTests
{
    private static JobClassConfig Flapping(string name) =>
        EngineHarness.Service(name) with { Respawn = true, RespawnLimit = new RespawnLimit(2, 5) };

    private static JobSnapshot StatusOf(EngineHarness h, string job) => Assert.Single(h.Core.Status(job, null));

    private static JobSnapshot Listed(EngineHarness h, string job) => h.Core.List().Single(s => s.Name == job);

    private static void CrashUntilTheLimit(EngineHarness h, string job)
    {
        for (var crash = 0; crash < 3; crash++)
        {
            h.Exit(ProcessKind.Main, 1, job);
            h.Pump();
        }
    }

    [Fact]
    public void A_service_stopped_by_its_respawn_limit_shows_the_limit_as_its_failure()
    {
        var h = new EngineHarness().With(Flapping("web")).With(EngineHarness.Service("db"));
        _ = h.Start("web");

        CrashUntilTheLimit(h, "web");

        var web = StatusOf(h, "web");
        Assert.Equal((JobGoal.Stop, JobState.Waiting, false), (web.Goal, web.State, web.HasInstance));
        Assert.Equal("respawn", web.LastFailure?.ToString());
        Assert.Equal(web.LastFailure, Listed(h, "web").LastFailure);
        Assert.Null(StatusOf(h, "db").LastFailure);
        var published = PublishedStatus.Take(1, h.Core.Classes);
        Assert.Equal(web.LastFailure, Assert.Single(published.Status("web", null)).LastFailure);
    }

    [Fact]
    public void A_task_that_failed_shows_its_process_and_status_once_it_is_gone()
    {
        var h = new EngineHarness().With(EngineHarness.Service("once") with { Task = true });
        _ = h.Start("once", wait: false);

        h.Exit(ProcessKind.Main, 7, "once");
        h.Pump();

        var once = StatusOf(h, "once");
        Assert.Equal((JobGoal.Stop, JobState.Waiting), (once.Goal, once.State));
        Assert.Equal("main status=7", once.LastFailure?.ToString());
    }

    [Fact]
    public void Starting_again_clears_the_failure_and_a_clean_stop_leaves_none()
    {
        var h = new EngineHarness().With(Flapping("web"));
        _ = h.Start("web");
        CrashUntilTheLimit(h, "web");
        var before = PublishedStatus.Take(1, h.Core.Classes);

        _ = h.Start("web");
        Assert.Null(StatusOf(h, "web").LastFailure);
        h.StopAndReap("web");

        Assert.Equal((JobState.Waiting, null), (StatusOf(h, "web").State, StatusOf(h, "web").LastFailure));
        var after = PublishedStatus.Take(2, h.Core.Classes, before);
        Assert.Null(Assert.Single(after.Status("web", null)).LastFailure);
    }

    [Fact]
    public void A_new_definition_taken_while_the_job_is_down_keeps_the_failure()
    {
        var h = new EngineHarness().With(Flapping("web"));
        _ = h.Start("web");
        CrashUntilTheLimit(h, "web");

        h.Core.ApplyConfig(Flapping("web") with { Description = "fixed" });

        var web = StatusOf(h, "web");
        Assert.Equal("fixed", web.Description);
        Assert.Equal("respawn", web.LastFailure?.ToString());
    }
}
