using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>The process layer's per-process state machine, checked cell by cell without any process.</summary>
public sealed class TrackedTransitionsTests
{
    private static readonly TrackedPhase[] Phases = Enum.GetValues<TrackedPhase>();
    private static readonly TrackedEvent[] Events = Enum.GetValues<TrackedEvent>();
    private static readonly ExpectMode[] Expects = Enum.GetValues<ExpectMode>();

    /// <summary>Every cell that does something; every other (phase, event) pair must be ignored.</summary>
    private static TrackedPhase? Expected(TrackedPhase phase, TrackedEvent e, ExpectMode expect) => (phase, e) switch
    {
        (TrackedPhase.Spawning, TrackedEvent.ExecSucceeded) when expect == ExpectMode.Stop => TrackedPhase.AwaitingStop,
        (TrackedPhase.Spawning, TrackedEvent.ExecSucceeded) when expect is ExpectMode.Fork or ExpectMode.Daemon => TrackedPhase.FollowingFork,
        (TrackedPhase.Spawning, TrackedEvent.ExecSucceeded) => TrackedPhase.Running,
        (TrackedPhase.Spawning, TrackedEvent.ExecFailed) => TrackedPhase.SpawnFailed,
        (TrackedPhase.AwaitingStop, TrackedEvent.Stopped) => TrackedPhase.Running,
        (TrackedPhase.FollowingFork, TrackedEvent.IntermediateFound) => TrackedPhase.FollowingFork,
        (TrackedPhase.FollowingFork, TrackedEvent.DaemonFound) => TrackedPhase.Running,
        (TrackedPhase.AwaitingStop or TrackedPhase.FollowingFork or TrackedPhase.Running, TrackedEvent.Exited) => TrackedPhase.Exited,
        _ => null,
    };

    [Fact]
    public void Each_phase_event_and_expect_leads_where_the_table_says()
    {
        var cells = 0;
        var wrong = new List<string>();
        foreach (var phase in Phases)
        {
            foreach (var e in Events)
            {
                foreach (var expect in Expects)
                {
                    cells++;
                    var actual = TrackedTransitions.Next(phase, e, expect);
                    if (actual != Expected(phase, e, expect))
                    {
                        wrong.Add($"({phase}, {e}, expect {expect}) -> {actual?.ToString() ?? "ignored"}");
                    }
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Equal(6 * 6 * 4, cells);
    }

    [Fact]
    public void A_failed_spawn_and_a_reported_exit_are_final()
    {
        foreach (var final in new[] { TrackedPhase.SpawnFailed, TrackedPhase.Exited })
        {
            Assert.All(Events, e => Assert.All(Expects, x => Assert.Null(TrackedTransitions.Next(final, e, x))));
        }
    }

    [Fact]
    public void Only_a_spawning_process_resolves_its_exec()
    {
        foreach (var phase in Phases.Where(p => p != TrackedPhase.Spawning))
        {
            Assert.Null(TrackedTransitions.Next(phase, TrackedEvent.ExecSucceeded, ExpectMode.None));
            Assert.Null(TrackedTransitions.Next(phase, TrackedEvent.ExecFailed, ExpectMode.None));
        }
    }

    [Fact]
    public void A_helper_stopped_before_its_exec_is_not_expect_stop_readiness()
    {
        Assert.Null(TrackedTransitions.Next(TrackedPhase.Spawning, TrackedEvent.Stopped, ExpectMode.Stop));
    }

    [Fact]
    public void Every_reachable_path_ends_in_a_final_phase()
    {
        foreach (var expect in Expects)
        {
            var reached = new HashSet<TrackedPhase> { TrackedPhase.Spawning };
            var frontier = new Queue<TrackedPhase>(reached);
            while (frontier.TryDequeue(out var phase))
            {
                foreach (var e in Events)
                {
                    if (TrackedTransitions.Next(phase, e, expect) is { } next && reached.Add(next))
                    {
                        frontier.Enqueue(next);
                    }
                }
            }

            Assert.Contains(TrackedPhase.Exited, reached);
            Assert.Contains(TrackedPhase.SpawnFailed, reached);
            Assert.Equal(expect == ExpectMode.Stop, reached.Contains(TrackedPhase.AwaitingStop));
            Assert.Equal(expect is ExpectMode.Fork or ExpectMode.Daemon, reached.Contains(TrackedPhase.FollowingFork));
        }
    }

    [Fact]
    public void A_tracked_process_changes_phase_only_through_a_defined_transition()
    {
        using var layer = new ProcessLayer(new NoticeRecorder());
        var tracked = new TrackedProcess(layer, ExpectMode.Stop);

        Assert.False(tracked.TryApply(TrackedEvent.Stopped));
        Assert.Equal(TrackedPhase.Spawning, tracked.Phase);
        Assert.True(tracked.TryApply(TrackedEvent.ExecSucceeded));
        Assert.Equal(TrackedPhase.AwaitingStop, tracked.Phase);
        Assert.True(tracked.TryApply(TrackedEvent.Stopped));
        Assert.Equal(TrackedPhase.Running, tracked.Phase);
        Assert.True(tracked.TryApply(TrackedEvent.Exited));
        Assert.False(tracked.TryApply(TrackedEvent.Exited));
        Assert.Equal(TrackedPhase.Exited, tracked.Phase);
    }
}
