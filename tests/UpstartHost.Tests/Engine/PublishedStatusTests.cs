using System.Collections.Immutable;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// The status the engine publishes for readers on other threads: it shows what the engine's own list and
/// status show, and a new one taken after a change keeps the entries of the classes that did not change
/// (same snapshot objects), so publishing costs what changed, not every class.
/// </summary>
public sealed class PublishedStatusTests
{
    private static JobClassConfig Respawning(string name) =>
        EngineHarness.Service(name) with { Respawn = true, RespawnLimit = new RespawnLimit(10, 5) };

    private static JobClassConfig Instances(string name) =>
        EngineHarness.Service(name) with { Instance = "$N" };

    private static JobSnapshot Only(PublishedStatus published, string job, string? instance = null) =>
        Assert.Single(published.Status(job, instance));

    /// <summary>The published status and the engine's own answers, field by field (records compare by value, the process lists by content).</summary>
    private static void AssertShowsWhatTheEngineShows(PublishedStatus published, EngineCore core)
    {
        var expected = core.List();
        var actual = published.All;
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i] with { Processes = [] }, actual[i] with { Processes = [] });
            Assert.Equal(expected[i].Processes, actual[i].Processes);
        }

        foreach (var snapshot in expected)
        {
            var one = Assert.Single(published.Status(snapshot.Name, snapshot.Instance));
            Assert.Equal(snapshot.Processes, one.Processes);
            Assert.Equal((snapshot.Goal, snapshot.State, snapshot.RespawnCount), (one.Goal, one.State, one.RespawnCount));
        }
    }

    [Fact]
    public void Nothing_changed_keeps_every_snapshot_and_a_respawn_renews_only_its_own()
    {
        var engine = new EngineHarness().With(Respawning("web")).With(Respawning("db")).With(EngineHarness.Service("idle"));
        _ = engine.Start("web");
        _ = engine.Start("db");
        var first = PublishedStatus.Take(1, engine.Core.Classes);

        var again = PublishedStatus.Take(2, engine.Core.Classes, first);
        Assert.Equal(2, again.Sequence);
        Assert.Same(Only(first, "web"), Only(again, "web"));
        Assert.Same(Only(first, "db"), Only(again, "db"));
        Assert.Same(Only(first, "idle"), Only(again, "idle"));

        engine.Exit(ProcessKind.Main, 1, "web");
        engine.Pump();
        var after = PublishedStatus.Take(3, engine.Core.Classes, again);

        Assert.Same(Only(first, "db"), Only(after, "db"));
        Assert.Same(Only(first, "idle"), Only(after, "idle"));
        var web = Only(after, "web");
        Assert.NotSame(Only(first, "web"), web);
        Assert.Equal((JobState.Running, engine.Pid(ProcessKind.Main, "web"), 1), (web.State, Assert.Single(web.Processes).Pid, web.RespawnCount));
        Assert.NotEqual(Assert.Single(Only(first, "web").Processes).Pid, web.Processes[0].Pid);
        AssertShowsWhatTheEngineShows(after, engine.Core);
    }

    [Fact]
    public void Every_field_that_moves_during_a_life_gives_a_new_snapshot()
    {
        var engine = new EngineHarness().With(EngineHarness.Service("web", ProcessKind.PreStart, ProcessKind.PostStop)).With(Respawning("db") with
        {
            RespawnDelay = new RespawnDelay(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)),
        });
        var published = PublishedStatus.Take(1, engine.Core.Classes);
        var sequence = 1L;

        JobSnapshot Next(string job)
        {
            var before = Only(published, job);
            published = PublishedStatus.Take(++sequence, engine.Core.Classes, published);
            var now = Only(published, job);
            Assert.NotSame(before, now);
            AssertShowsWhatTheEngineShows(published, engine.Core);
            return now;
        }

        // Goal and state, then the pre-start's pid, then the main's in its place.
        _ = engine.Start("web", wait: false);
        Assert.Equal((JobGoal.Start, JobState.PreStart), (Next("web").Goal, Only(published, "web").State));
        Assert.Equal(ProcessKind.PreStart, Assert.Single(Only(published, "web").Processes).Kind);
        engine.Exit(ProcessKind.PreStart, 0, "web");
        engine.Pump();
        Assert.Equal(ProcessKind.Main, Assert.Single(Next("web").Processes).Kind);

        // A failure: the main exits 1 without respawn; post-stop runs with the failure recorded.
        engine.Exit(ProcessKind.Main, 1, "web");
        engine.Pump();
        var failed = Next("web");
        Assert.Equal((JobState.PostStop, ProcessKind.PostStop), (failed.State, Assert.Single(failed.Processes).Kind));
        Assert.NotNull(failed.LastFailure);

        // A respawn held back by its delay: the count and the due time.
        _ = engine.Start("db");
        _ = Next("db");
        engine.Exit(ProcessKind.Main, 1, "db");
        engine.Pump();
        var waiting = Next("db");
        Assert.NotNull(waiting.NextRespawn);
        Assert.Empty(waiting.Processes);

        // The definition changes under a running instance: it shows the change is waiting.
        engine.Clock.Advance(TimeSpan.FromSeconds(11));
        engine.Pump();
        Assert.Equal(JobState.Running, Next("db").State);
        engine.Core.ApplyConfig(Respawning("db") with { Description = "changed" });
        Assert.True(Next("db").ConfigChanged);
    }

    [Fact]
    public void Instances_that_come_and_go_renew_their_class_and_leave_the_others_alone()
    {
        var engine = new EngineHarness().With(Instances("worker")).With(Respawning("web"));
        _ = engine.Start("web");
        var published = PublishedStatus.Take(1, engine.Core.Classes);
        var web = Only(published, "web");

        _ = engine.Start("worker", true, "N=1");
        _ = engine.Start("worker", true, "N=2");
        published = PublishedStatus.Take(2, engine.Core.Classes, published);
        Assert.Equal(["1", "2"], published.Status("worker", null).Select(s => s.Instance));
        Assert.Same(web, Only(published, "web"));
        AssertShowsWhatTheEngineShows(published, engine.Core);

        var two = Only(published, "worker", "2");
        engine.StopAndReap("worker", "1");
        published = PublishedStatus.Take(3, engine.Core.Classes, published);
        Assert.Same(two, Only(published, "worker", "2"));
        Assert.Empty(published.Status("worker", "1"));
        AssertShowsWhatTheEngineShows(published, engine.Core);

        // Same count, other instance: 2 goes, 3 comes.
        engine.StopAndReap("worker", "2");
        _ = engine.Start("worker", true, "N=3");
        published = PublishedStatus.Take(4, engine.Core.Classes, published);
        Assert.Equal("3", Only(published, "worker").Instance);
        Assert.Same(web, Only(published, "web"));
        AssertShowsWhatTheEngineShows(published, engine.Core);

        // The last one goes: the class shows stop/waiting again.
        engine.StopAndReap("worker", "3");
        published = PublishedStatus.Take(5, engine.Core.Classes, published);
        Assert.Equal((JobGoal.Stop, JobState.Waiting, ""), (Only(published, "worker").Goal, Only(published, "worker").State, Only(published, "worker").Instance));
        AssertShowsWhatTheEngineShows(published, engine.Core);
    }

    [Fact]
    public void A_class_added_removed_or_redefined_is_shown_and_the_list_stays_in_name_order()
    {
        var engine = new EngineHarness().With(EngineHarness.Service("b")).With(EngineHarness.Service("d"));
        var published = PublishedStatus.Take(1, engine.Core.Classes);
        Assert.Equal(["b", "d"], published.All.Select(s => s.Name));

        engine.Core.ApplyConfig(EngineHarness.Service("a"));
        engine.Core.ApplyConfig(EngineHarness.Service("c"));
        published = PublishedStatus.Take(2, engine.Core.Classes, published);
        Assert.Equal(["a", "b", "c", "d"], published.All.Select(s => s.Name));
        Assert.Single(published.Status("c", null));

        // Redefined while stopped: the new description shows at once.
        engine.Core.ApplyConfig(EngineHarness.Service("b") with { Description = "the new b" });
        published = PublishedStatus.Take(3, engine.Core.Classes, published);
        Assert.Equal("the new b", Only(published, "b").Description);

        engine.Core.ApplyCatalog(new Upstart.JobFiles.Loading.JobCatalog(
            new[] { EngineHarness.Service("a"), EngineHarness.Service("d") }.ToImmutableDictionary(c => c.Name), []));
        published = PublishedStatus.Take(4, engine.Core.Classes, published);
        Assert.Equal(["a", "d"], published.All.Select(s => s.Name));
        Assert.Empty(published.Status("b", null));
        Assert.Equal(["a", "d"], published.Status("*", null).Select(s => s.Name));
        AssertShowsWhatTheEngineShows(published, engine.Core);
    }

    [Fact]
    public void The_list_is_made_once_and_kept_while_nothing_changes()
    {
        var engine = new EngineHarness().With(Respawning("web")).With(Respawning("db"));
        _ = engine.Start("web");
        var first = PublishedStatus.Take(1, engine.Core.Classes);
        var list = first.All;
        Assert.Same(list, first.All);

        var again = PublishedStatus.Take(2, engine.Core.Classes, first);
        Assert.Same(list, again.All);

        _ = engine.Start("db");
        var changed = PublishedStatus.Take(3, engine.Core.Classes, again);
        Assert.NotSame(list, changed.All);
        Assert.Equal(JobState.Running, Assert.Single(changed.All, s => s.Name == "db").State);
        Assert.Equal(JobState.Waiting, Assert.Single(list, s => s.Name == "db").State);
    }
}

/// <summary>
/// <see cref="JobSnapshots.StillShows"/> notices each field that can move during an instance's life on its own
/// (the engine mostly moves several at once, which would hide a field it forgot).
/// </summary>
public sealed class StillShowsTests
{
    public static TheoryData<string> Changes => ["goal", "state", "pid", "another process", "process gone", "respawn count", "failure", "new definition waiting", "file deleted", "respawn due", "destroyed"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Each_field_on_its_own_makes_the_snapshot_stale(string change)
    {
        var engine = new EngineHarness().With(EngineHarness.Service("web", ProcessKind.PostStart));
        var instance = new JobInstance(engine.Core.Classes.Single(), "") { Goal = JobGoal.Start, State = JobState.Running };
        instance.AssignPid(ProcessKind.Main, 100);
        var snapshot = JobSnapshots.Of(instance);
        Assert.True(JobSnapshots.StillShows(snapshot, instance));

        switch (change)
        {
            case "goal": instance.Goal = JobGoal.Stop; break;
            case "state": instance.State = JobState.Stopping; break;
            case "pid": instance.AssignPid(ProcessKind.Main, 101); break;
            case "another process": instance.AssignPid(ProcessKind.PostStart, 102); break;
            case "process gone": instance.AssignPid(ProcessKind.Main, 0); break;
            case "respawn count": instance.Respawns.Seed(1, 0); break;
            case "failure": instance.Failure = new JobFailure(ProcessKind.Main, 1); break;
            case "new definition waiting": instance.Class.PendingConfig = instance.Config with { Description = "new" }; break;
            case "file deleted": instance.Class.Deleted = true; break;
            case "respawn due": instance.Backoff.Begin(new NoTimer(), DateTimeOffset.UnixEpoch); break;
            case "destroyed": instance.Destroyed = true; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        Assert.False(JobSnapshots.StillShows(snapshot, instance));
        Assert.True(JobSnapshots.StillShows(JobSnapshots.Of(instance), instance) || change == "destroyed");
    }

    private sealed class NoTimer : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
