using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// Events across a re-exec (EngineCore.EventState.cs): what one engine had not finished, another carries on from the
/// snapshot, with every hold put back, as Upstart 1.13's stateful re-exec does.
/// </summary>
public sealed class EventStateAcrossReExecTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    /// <summary>The next program: the same job files, the instances and the events of <paramref name="before"/> put back.</summary>
    private static EngineHarness ReExec(EngineHarness before, params (string Name, string Text)[] jobs)
    {
        var after = new EngineHarness();
        foreach (var (name, text) in jobs)
        {
            after.Load(name, text);
        }

        after.Core.Restore(before.Core.SnapshotInstances(), 0, _ => true, underWay: before.Core.SnapshotWorkUnderWay());
        after.Pump();
        return after;
    }

    [Fact]
    public void A_start_on_that_had_seen_one_of_its_events_starts_the_job_on_the_other_after_the_exec()
    {
        (string, string) both = ("both", "start on (a and b)\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(both.Item1, both.Item2);
        _ = before.Settle(before.Core.EmitRequest("a", ["X=1"], wait: false));

        var after = ReExec(before, both);
        _ = after.Settle(after.Core.EmitRequest("b", ["Y=2"], wait: false));

        Assert.Equal("start/running", after.Status("both"));
        Assert.Contains("X=1", after.Instance("both").Environment);
        Assert.Contains("UPSTART_EVENTS=a b", after.Instance("both").Environment);
        Assert.Equal(0, after.Core.LiveEventCount);
    }

    [Fact]
    public void A_job_waiting_in_starting_for_a_job_its_starting_event_started_still_waits_for_it()
    {
        (string, string) web = ("web", "exec /bin/sleep 100\n");
        (string, string) db = ("db", "start on starting web\npre-start exec /bin/true\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(web.Item1, web.Item2).Load(db.Item1, db.Item2);
        _ = before.Start("web", wait: false);
        Assert.Equal(("start/starting", "start/pre-start"), (before.Status("web"), before.Status("db")));

        var after = ReExec(before, web, db);
        Assert.Equal(("start/starting", "start/pre-start"), (after.Status("web"), after.Status("db")));

        after.Exit(ProcessKind.PreStart, 0, job: "db");

        Assert.Equal(("start/running", "start/running"), (after.Status("web"), after.Status("db")));
        Assert.Equal(["started JOB=db INSTANCE=", "started JOB=web INSTANCE="], after.JobEventLines);
    }

    [Fact]
    public async Task An_emit_the_exec_cut_is_answered_when_its_event_finishes()
    {
        (string, string) svc = ("svc", "start on go\npre-start exec /bin/true\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(svc.Item1, svc.Item2);
        var cut = before.Settle(before.Core.EmitRequest("go", ["K=1"], wait: true));
        Assert.False(cut.IsCompleted);

        var after = ReExec(before, svc);
        var awaited = after.Settle(after.Core.AwaitEvent("go", ["K=1"]));
        Assert.False(awaited.IsCompleted);

        after.Exit(ProcessKind.PreStart, 0, job: "svc");

        await awaited.WaitAsync(Deadline);
        Assert.Equal("start/running", after.Status("svc"));
    }

    [Fact]
    public async Task An_emit_the_exec_cut_hears_that_its_event_failed_and_the_failed_event_follows()
    {
        (string, string) svc = ("svc", "start on go\npre-start exec /bin/true\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(svc.Item1, svc.Item2);
        _ = before.Settle(before.Core.EmitRequest("go", [], wait: true));

        var after = ReExec(before, svc);
        var awaited = after.Settle(after.Core.AwaitEvent("go", []));
        after.Exit(ProcessKind.PreStart, 1, job: "svc");

        var error = await Assert.ThrowsAsync<EngineException>(() => awaited.WaitAsync(Deadline));
        Assert.Equal(EngineError.EventFailed, error.Error);
        Assert.Single(after.EventLines("go/failed"));
    }

    [Fact]
    public async Task An_await_is_answered_from_the_outcome_when_the_event_finished_before_it_came()
    {
        (string, string) svc = ("svc", "start on go\npre-start exec /bin/true\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(svc.Item1, svc.Item2);
        _ = before.Settle(before.Core.EmitRequest("go", [], wait: true));
        var after = ReExec(before, svc);
        after.Exit(ProcessKind.PreStart, 1, job: "svc");

        var error = await Assert.ThrowsAsync<EngineException>(() => after.Core.AwaitEvent("go", []).WaitAsync(Deadline));

        Assert.Equal(EngineError.EventFailed, error.Error);
    }

    [Fact]
    public async Task An_await_for_an_event_that_was_not_handed_over_is_done_at_once()
    {
        (string, string) svc = ("svc", "start on go\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(svc.Item1, svc.Item2);
        var after = ReExec(before, svc);

        await after.Core.AwaitEvent("go", ["K=1"]).WaitAsync(Deadline);

        Assert.Equal("stop/waiting", after.Status("svc"));
    }

    [Fact]
    public void A_stop_on_that_had_seen_one_of_its_events_stops_the_instance_on_the_other_after_the_exec()
    {
        (string, string) svc = ("svc", "stop on (x and y)\npre-stop exec /bin/true\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(svc.Item1, svc.Item2);
        _ = before.Start("svc");
        _ = before.Settle(before.Core.EmitRequest("x", [], wait: false));

        var after = ReExec(before, svc);
        Assert.Equal("start/running", after.Status("svc"));
        _ = after.Settle(after.Core.EmitRequest("y", [], wait: false));

        Assert.Equal("stop/pre-stop", after.Status("svc"));
        Assert.Contains("UPSTART_STOP_EVENTS=x y", after.Processes.LastSpawn(ProcessKind.PreStop).Environment);
    }

    [Fact]
    public void A_hold_whose_job_file_changed_its_start_on_is_let_go_and_the_event_finishes()
    {
        var before = new EngineHarness().Load("both", "start on (a and b)\nexec /bin/sleep 100\n");
        _ = before.Settle(before.Core.EmitRequest("a", [], wait: false));
        Assert.Equal(1, before.Core.LiveEventCount);

        var after = ReExec(before, ("both", "start on (a and c)\nexec /bin/sleep 100\n"));
        Assert.Equal(0, after.Core.LiveEventCount);
        _ = after.Settle(after.Core.EmitRequest("c", [], wait: false));

        Assert.Equal("stop/waiting", after.Status("both"));
    }

    [Fact]
    public void Events_emitted_after_the_exec_are_numbered_after_the_handed_over_ones()
    {
        (string, string) both = ("both", "start on (a and b)\nexec /bin/sleep 100\n");
        var before = new EngineHarness().Load(both.Item1, both.Item2);
        for (var i = 0; i < 3; i++)
        {
            _ = before.Settle(before.Core.EmitRequest("other", [], wait: false));
        }

        _ = before.Settle(before.Core.EmitRequest("a", [], wait: false));
        var handedOver = Assert.Single(before.Core.SnapshotEvents());

        var after = ReExec(before, both);
        _ = after.Settle(after.Core.EmitRequest("z", [], wait: false));

        Assert.Equal(4, handedOver.Id);
        Assert.Equal(5, after.Events.Single(e => e.Name == "z").Id);
    }

    [Fact]
    public void The_state_version_moves_when_a_start_on_takes_an_event_and_not_for_an_event_nothing_holds()
    {
        var h = new EngineHarness().Load("both", "start on (a and b)\nexec /bin/sleep 100\n");
        var before = h.Core.StateVersion;

        _ = h.Settle(h.Core.EmitRequest("unrelated", [], wait: false));
        Assert.Equal(before, h.Core.StateVersion);

        _ = h.Settle(h.Core.EmitRequest("a", [], wait: false));
        Assert.NotEqual(before, h.Core.StateVersion);
    }

    [Fact]
    public void An_event_whose_holds_did_not_move_keeps_its_record_and_one_that_moved_gets_a_new_one()
    {
        var h = new EngineHarness()
            .Load("both", "start on (a and b)\nexec /bin/sleep 100\n")
            .Load("other", "start on (a and c)\nexec /bin/sleep 100\n");
        _ = h.Settle(h.Core.EmitRequest("a", [], wait: false));
        var first = Assert.Single(h.Core.SnapshotEvents());

        Assert.Same(first, Assert.Single(h.Core.SnapshotEvents()));

        _ = h.Settle(h.Core.EmitRequest("b", [], wait: false));
        var moved = Assert.Single(h.Core.SnapshotEvents());
        Assert.NotSame(first, moved);
        Assert.Equal(2, first.Holds.Count);
        Assert.Equal([new EventHoldRecord(EventHoldKind.StartOn, "other", null, "(and (event a) (event c))", 0)], moved.Holds);
    }

    [Fact]
    public void The_snapshot_names_every_hold_on_an_event()
    {
        var h = new EngineHarness()
            .Load("web", "exec /bin/sleep 100\n")
            .Load("db", "start on starting web\npre-start exec /bin/true\nexec /bin/sleep 100\n")
            .Load("pair", "start on (starting web and later)\nexec /bin/sleep 100\n")
            .Load("watcher", "stop on (starting web and later)\nexec /bin/sleep 100\n");
        _ = h.Start("watcher");
        _ = h.Start("web", wait: false);

        var starting = Assert.Single(h.Core.SnapshotEvents(), e => e.Name == "starting");

        Assert.True(starting.Handled);
        Assert.Equal(
            [
                new EventHoldRecord(EventHoldKind.StartOn, "pair", null, "(and (event starting web) (event later))", 0),
                new EventHoldRecord(EventHoldKind.StopOn, "watcher", "", "(and (event starting web) (event later))", 0),
                new EventHoldRecord(EventHoldKind.Job, "db", ""),
                new EventHoldRecord(EventHoldKind.Blocks, "web", ""),
            ],
            starting.Holds.OrderBy(x => x.Kind));
    }
}
