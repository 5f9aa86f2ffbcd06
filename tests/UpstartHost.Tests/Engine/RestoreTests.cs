using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// Snapshot and restore (docs/daemon.md, "Restarting the daemon"): what one engine records, another
/// resumes without starting anything twice, and respawn rules carry over.
/// </summary>
public sealed class RestoreTests
{
    private static JobClassConfig Respawning(RespawnLimit limit) => EngineHarness.Service() with { Respawn = true, RespawnLimit = limit };

    /// <summary>A second engine with the same job, resumed from the first one's snapshot; every recorded process is adopted unless listed as gone.</summary>
    private static EngineHarness Resume(EngineHarness from, JobClassConfig config, params int[] gone)
    {
        var to = new EngineHarness().With(config);
        to.Core.Restore(from.Core.SnapshotInstances(), 0, p => !gone.Contains(p.Pid));
        to.Pump();
        return to;
    }

    [Fact]
    public void A_running_service_comes_back_with_its_pid_and_without_spawns_or_events()
    {
        var before = new EngineHarness().With(EngineHarness.Service());
        _ = before.Start("test", true, "COLOUR=red");
        var pid = before.Pid(ProcessKind.Main);

        var after = Resume(before, EngineHarness.Service());

        Assert.Equal(("start/running", pid), (after.Status(), after.Pid(ProcessKind.Main)));
        Assert.Contains("COLOUR=red", after.Instance().Environment);
        Assert.Empty(after.Processes.Spawns);
        Assert.Empty(after.Events);
    }

    [Fact]
    public void Announced_runs_after_each_instance_is_announced_as_it_stood_and_before_any_moves_on()
    {
        var before = new EngineHarness().With(Respawning(new RespawnLimit(10, 5)));
        _ = before.Start();
        var pid = before.Pid(ProcessKind.Main);

        // Its main process died during the exec: the restore announces it running, then moves it on (respawn).
        var after = new EngineHarness().With(Respawning(new RespawnLimit(10, 5)));
        var seen = new List<string>();
        after.Core.Notification += n => seen.Add($"{n.Kind} {n.Goal} {n.State}");
        after.Core.Restore(before.Core.SnapshotInstances(), 0, p => p.Pid != pid, announced: () => seen.Add("announced"));
        after.Pump();

        var marker = seen.IndexOf("announced");
        Assert.Equal(["State Start Running"], seen[..marker]);
        Assert.Contains(seen[(marker + 1)..], change => change != "State Start Running");
    }

    [Fact]
    public void A_service_still_owed_its_expect_stop_waits_for_it_when_the_stop_can_still_be_seen()
    {
        var config = EngineHarness.Service() with { Expect = ExpectMode.Stop };
        var before = new EngineHarness().With(config);
        _ = before.Start(wait: false);
        Assert.Equal("start/spawned", before.Status());
        var pid = before.Pid(ProcessKind.Main);
        var asked = new List<int>();

        var after = new EngineHarness().With(config);
        after.Core.Restore(before.Core.SnapshotInstances(), 0, _ => true, awaitStop: p => { asked.Add(p); return true; });
        after.Pump();

        Assert.Equal([pid], asked);
        Assert.Equal("start/spawned", after.Status());
        after.Notice(new ProcessReady(pid, pid));
        Assert.Equal(("start/running", pid), (after.Status(), after.Pid(ProcessKind.Main)));
        Assert.Empty(after.Processes.Spawns);
    }

    [Fact]
    public void A_service_owed_its_expect_stop_is_taken_as_ready_when_the_stop_cannot_be_seen()
    {
        var config = EngineHarness.Service() with { Expect = ExpectMode.Stop };
        var before = new EngineHarness().With(config);
        _ = before.Start(wait: false);

        var after = new EngineHarness().With(config);
        after.Core.Restore(before.Core.SnapshotInstances(), 0, _ => true, awaitStop: _ => false);
        after.Pump();

        Assert.Equal("start/running", after.Status());
    }

    [Fact]
    public void A_process_that_could_not_be_adopted_is_an_exit_and_respawn_applies()
    {
        var before = new EngineHarness().With(Respawning(new RespawnLimit(10, 5)));
        _ = before.Start();
        var pid = before.Pid(ProcessKind.Main);

        var after = Resume(before, Respawning(new RespawnLimit(10, 5)), pid);

        // The new engine's fake layer numbers its spawns afresh: what counts is that main was spawned again.
        Assert.Equal("start/running", after.Status());
        Assert.Single(after.Processes.Spawns, s => s.Kind == ProcessKind.Main);
        Assert.Contains("test main process ended while no daemon was watching it", after.Log.Warnings);
    }

    [Fact]
    public void An_adopted_process_that_is_gone_counts_as_an_exit_with_status_0()
    {
        var before = new EngineHarness().With(EngineHarness.Service());
        _ = before.Start();
        var after = Resume(before, EngineHarness.Service());

        after.Notice(new ProcessGone(after.Pid(ProcessKind.Main)));

        // No respawn stanza: exit 0 of main is a normal stop, not a failure.
        Assert.Equal("stop/waiting", after.Status());
        Assert.Equal("stopped JOB=test INSTANCE= RESULT=ok", after.JobEventLines[^1]);
    }

    [Fact]
    public void An_adopted_process_that_ends_is_a_process_exited_event_with_no_status()
    {
        // DESIGN.md: an event for every process exit, so an alert on a service's death is not lost to a daemon
        // crash. Only its new parent learnt the status: neither EXIT_STATUS nor EXIT_SIGNAL, as Upstart leaves
        // both out when the status is unknown (UPSTART.md §c.3).
        var before = new EngineHarness().With(Respawning(new RespawnLimit(10, 5)));
        _ = before.Start();
        var after = Resume(before, Respawning(new RespawnLimit(10, 5)));
        var pid = after.Pid(ProcessKind.Main);

        after.Notice(new ProcessGone(pid));

        Assert.Equal([$"process-exited JOB=test INSTANCE= PROCESS=main PID={pid}"], after.EventLines("process-exited"));
    }

    [Fact]
    public void A_process_that_ended_while_no_daemon_watched_is_a_process_exited_event_with_no_status()
    {
        var before = new EngineHarness().With(Respawning(new RespawnLimit(10, 5)));
        _ = before.Start();
        var pid = before.Pid(ProcessKind.Main);

        var after = Resume(before, Respawning(new RespawnLimit(10, 5)), pid);

        Assert.Equal([$"process-exited JOB=test INSTANCE= PROCESS=main PID={pid}"], after.EventLines("process-exited"));
    }

    [Fact]
    public void The_respawn_window_carries_over_so_the_limit_still_trips()
    {
        var limit = new RespawnLimit(1, 60);
        var before = new EngineHarness().With(Respawning(limit));
        _ = before.Start();
        before.Exit(ProcessKind.Main, 1);
        Assert.Equal("start/running", before.Status());

        var after = Resume(before, Respawning(limit));
        after.Notice(new ProcessGone(after.Pid(ProcessKind.Main)));

        Assert.Equal("stop/waiting", after.Status());
        Assert.Contains("test respawning too fast, stopped", after.Log.Warnings);
    }

    [Fact]
    public void A_kill_in_progress_is_signalled_again_with_a_fresh_kill_timeout()
    {
        var before = new EngineHarness().With(EngineHarness.Service());
        _ = before.Start();
        var pid = before.Pid(ProcessKind.Main);
        _ = before.Core.Stop("test", [], wait: false);
        before.Pump();
        Assert.Equal("stop/killed", before.Status());

        var after = Resume(before, EngineHarness.Service());

        Assert.Equal("stop/killed", after.Status());
        Assert.Equal([(pid, 15, true)], after.Processes.Signals);
    }

    [Fact]
    public void An_instance_that_waited_on_its_starting_event_moves_on_and_spawns_once()
    {
        var after = new EngineHarness().With(EngineHarness.Service());
        InstanceRecord starting = new("test", "", JobGoal.Start, JobState.Starting, [], 0, null, ["A=1"], null);

        after.Core.Restore([starting], 0, _ => true);
        after.Pump();

        Assert.Equal("start/running", after.Status());
        Assert.Single(after.Processes.Spawns);
    }

    [Fact]
    public void A_record_of_a_job_no_longer_defined_is_skipped_and_said()
    {
        var after = new EngineHarness().With(EngineHarness.Service());
        InstanceRecord gone = new("removed", "", JobGoal.Start, JobState.Running, [new ProcessRecord(ProcessKind.Main, 4242, 7)], 0, null, [], null);

        var adopted = after.Core.Restore([gone], 0, _ => true);

        Assert.Equal(0, adopted);
        Assert.Contains(after.Log.Warnings, w => w.StartsWith("removed: not resumed", StringComparison.Ordinal));
    }

    [Fact]
    public void The_state_version_moves_with_every_goal_state_or_pid_change_and_only_then()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        var idle = h.Core.StateVersion;
        _ = h.Core.List();
        Assert.Equal(idle, h.Core.StateVersion);

        _ = h.Start();
        Assert.NotEqual(idle, h.Core.StateVersion);
    }
}
