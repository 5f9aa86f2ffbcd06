using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>The event lifecycle and job blocking (UPSTART.md §b.5, §c.3), independent of matching.</summary>
public sealed class EventQueueTests
{
    [Fact]
    public async Task An_event_nobody_references_finishes_at_once()
    {
        var h = new EngineHarness();
        var notified = new List<EngineNotification>();
        h.Core.Notification += notified.Add;

        var emit = h.Emit("nobody-cares", "A=1");

        await emit.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, h.Core.LiveEventCount);
        var only = Assert.Single(notified);
        Assert.Equal(("event", "nobody-cares"), (only.Kind, only.Name));
        Assert.Equal(["A=1"], only.Environment);
    }

    [Fact]
    public void A_job_waits_in_starting_until_its_starting_event_has_finished()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        EngineEvent? starting = null;
        h.Core.EventQueued += e =>
        {
            if (e.Name == JobEvents.Starting)
            {
                // Stands in for a job that `start on starting test` and has not reached its goal yet.
                starting = e;
                e.Block();
            }
        };

        _ = h.Start(wait: false);
        Assert.Equal("start/starting", h.Status());

        starting!.Unblock();
        h.Pump();

        Assert.Equal("start/running", h.Status());
    }

    [Fact]
    public void A_job_waits_in_stopping_until_its_stopping_event_has_finished()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start();
        EngineEvent? stopping = null;
        h.Core.EventQueued += e =>
        {
            if (e.Name == JobEvents.Stopping)
            {
                stopping = e;
                e.Block();
            }
        };

        _ = h.Stop(wait: false);
        Assert.Equal("stop/stopping", h.Status());
        Assert.Empty(h.Processes.Signals);

        stopping!.Unblock();
        h.Pump();

        Assert.Equal("stop/killed", h.Status());
    }

    [Fact]
    public async Task A_failed_event_fails_its_emitter_and_is_followed_by_name_failed_once()
    {
        var h = new EngineHarness();
        var e = h.Core.Emit("boom", ["X=1"]);
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        e.AddWaiter(waiter);
        e.Block();
        h.Pump();

        e.Failed = true;
        e.Unblock();
        h.Pump();

        var error = await Assert.ThrowsAsync<EngineException>(() => waiter.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(("Event failed", EngineError.EventFailed), (error.Message, error.Error));
        Assert.Equal(["boom", "boom/failed"], h.Events.Select(x => x.Name));
        Assert.Equal(["X=1"], h.Events[1].Environment);
    }

    [Fact]
    public void A_failed_failed_event_is_not_followed_by_another()
    {
        var h = new EngineHarness();
        var e = h.Core.Emit("boom/failed", []);
        e.Block();
        h.Pump();

        e.Failed = true;
        e.Unblock();
        h.Pump();

        Assert.Single(h.Events);
    }

    [Fact]
    public async Task Emit_refuses_a_missing_name_and_bad_variables()
    {
        var h = new EngineHarness();

        var noName = await Assert.ThrowsAsync<EngineException>(() => h.Core.EmitRequest("", [], wait: false));
        var badEnv = await Assert.ThrowsAsync<EngineException>(() => h.Core.EmitRequest("x", ["novalue"], wait: false));

        Assert.Equal(EngineError.BadEnvironment, noName.Error);
        Assert.Equal("Env must be KEY=VALUE pairs", badEnv.Message);
        Assert.Empty(h.Events);
    }

    [Fact]
    public void Goal_and_state_changes_are_notified()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        var seen = new List<string>();
        h.Core.Notification += n =>
        {
            if (n.Kind == "state")
            {
                seen.Add(n.State!);
            }
        };

        _ = h.Start();

        Assert.Equal(["starting", "security", "pre-start", "spawned", "post-start", "running"], seen);
    }

    [Fact]
    public void A_notification_handler_that_throws_does_not_stop_the_engine()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        h.Core.Notification += _ => throw new InvalidOperationException("bad subscriber");

        _ = h.Start();

        Assert.Equal("start/running", h.Status());
        Assert.Contains(h.Log.Entries, e => e.Message == "Notification handler failed");
    }
}
