using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// The runtime-state snapshot hands over an unchanged instance's record again, so the state writer's cost
/// follows the instances that moved, and a new record for every one whose record would come out different.
/// </summary>
public sealed class SnapshotReuseTests
{
    private static JobClassConfig Respawning(string name) =>
        EngineHarness.Service(name) with { Respawn = true, RespawnLimit = new RespawnLimit(10, 5) };

    private static InstanceRecord RecordOf(IReadOnlyList<InstanceRecord> snapshot, string job) => Assert.Single(snapshot, r => r.Job == job);

    [Fact]
    public void An_instance_nothing_happened_to_keeps_its_record_and_a_respawned_one_gets_a_new_one()
    {
        var engine = new EngineHarness().With(Respawning("web")).With(Respawning("db"));
        _ = engine.Start("web");
        _ = engine.Start("db");
        var first = engine.Core.SnapshotInstances();

        var again = engine.Core.SnapshotInstances();
        Assert.Same(RecordOf(first, "web"), RecordOf(again, "web"));
        Assert.Same(RecordOf(first, "db"), RecordOf(again, "db"));

        var oldPid = engine.Pid(ProcessKind.Main, "web");
        engine.Exit(ProcessKind.Main, 1, "web");
        engine.Pump();
        var after = engine.Core.SnapshotInstances();

        Assert.Same(RecordOf(first, "db"), RecordOf(after, "db"));
        var web = RecordOf(after, "web");
        Assert.NotSame(RecordOf(first, "web"), web);
        Assert.Equal((JobState.Running, engine.Pid(ProcessKind.Main, "web"), 1), (web.State, Assert.Single(web.Processes).Pid, web.RespawnCount));
        Assert.NotEqual(oldPid, web.Processes[0].Pid);
    }

    [Fact]
    public void A_new_environment_a_stop_and_an_older_respawn_window_each_give_a_new_record()
    {
        var engine = new EngineHarness().With(Respawning("web"));
        _ = engine.Start("web", true, "COLOUR=red");
        var red = RecordOf(engine.Core.SnapshotInstances(), "web");

        engine.StopAndReap("web");
        _ = engine.Start("web", true, "COLOUR=blue");
        var blue = RecordOf(engine.Core.SnapshotInstances(), "web");
        Assert.NotSame(red, blue);
        Assert.Contains("COLOUR=blue", blue.Environment);

        // A respawn opens the window; its age is part of the record and grows with the clock.
        engine.Exit(ProcessKind.Main, 1, "web");
        engine.Pump();
        var opened = RecordOf(engine.Core.SnapshotInstances(), "web");
        Assert.Same(opened, RecordOf(engine.Core.SnapshotInstances(), "web"));
        engine.Clock.Advance(TimeSpan.FromSeconds(2));
        var older = RecordOf(engine.Core.SnapshotInstances(), "web");
        Assert.NotSame(opened, older);
        Assert.Equal(opened.RespawnWindowAgeSeconds + 2, older.RespawnWindowAgeSeconds);
    }
}
