using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>The choice made when a followed process exits 0, on made-up /proc snapshots.</summary>
public sealed class ForkFollowerTests : IDisposable
{
    private const int Spawned = 100;

    private readonly ProcessLayer layer = new(new NoticeRecorder());

    public void Dispose() => layer.Dispose();

    private TrackedProcess Tracked(ExpectMode mode)
    {
        var tracked = new TrackedProcess(layer, mode) { StartTime = 1000 };
        tracked.Pid = tracked.Current = Spawned;
        tracked.Lineage.Add(Spawned);
        return tracked;
    }

    private static ProcStat Process(int pid, int session, char state = 'S', ulong start = 1001) =>
        new(pid, state, 1, session, session, start);

    [Fact]
    public void Expect_fork_takes_the_child_left_in_the_jobs_session()
    {
        var decision = ForkFollower.Decide(Tracked(ExpectMode.Fork), [Process(101, Spawned)]);

        Assert.Equal(new ForkFollower.Ready(Process(101, Spawned)), decision);
    }

    [Fact]
    public void Expect_daemon_follows_an_intermediate_that_has_not_forked_yet()
    {
        var decision = ForkFollower.Decide(Tracked(ExpectMode.Daemon), [Process(101, 101)]);

        Assert.Equal(new ForkFollower.Follow(Process(101, 101)), decision);
    }

    [Fact]
    public void Expect_daemon_takes_the_live_grandchild_when_the_intermediate_is_already_a_zombie()
    {
        var decision = ForkFollower.Decide(Tracked(ExpectMode.Daemon), [Process(101, Spawned, 'Z'), Process(102, Spawned, start: 1002)]);

        Assert.Equal(new ForkFollower.Ready(Process(102, Spawned, start: 1002)), decision);
    }

    [Fact]
    public void Orphans_older_than_the_job_or_from_other_sessions_are_not_the_daemon()
    {
        var decision = ForkFollower.Decide(Tracked(ExpectMode.Fork), [Process(50, 50, start: 10), Process(103, 77)]);

        Assert.IsType<ForkFollower.Exited>(decision);
    }

    [Fact]
    public void Expect_daemon_takes_a_child_in_the_jobs_cgroup_whose_session_an_unseen_intermediate_made()
    {
        // start-stop-daemon --background: the first parent reaped the setsid'd intermediate (pid 101).
        var daemon = Process(102, 101, start: 1002);

        var decision = ForkFollower.Decide(Tracked(ExpectMode.Daemon), [daemon], () => new HashSet<int> { 102 });

        Assert.Equal(new ForkFollower.Ready(daemon), decision);
    }

    [Fact]
    public void Without_the_jobs_cgroup_a_child_of_another_session_is_still_not_the_daemon()
    {
        var decision = ForkFollower.Decide(Tracked(ExpectMode.Daemon), [Process(102, 101, start: 1002)], () => new HashSet<int> { 55 });

        Assert.IsType<ForkFollower.Exited>(decision);
    }

    [Fact]
    public void The_jobs_cgroup_does_not_change_which_child_the_usual_rule_finds()
    {
        // A daemon that forks twice under expect fork: Upstart follows the first child, the setsid'd 101.
        var intermediate = Process(101, 101);

        var cgroupReads = 0;
        var decision = ForkFollower.Decide(
            Tracked(ExpectMode.Fork), [intermediate, Process(102, 101, start: 1002)], () => { cgroupReads++; return new HashSet<int> { 101, 102 }; });

        Assert.Equal(new ForkFollower.Ready(intermediate), decision);
        Assert.Equal(0, cgroupReads);
    }

    [Fact]
    public void A_process_that_left_nothing_behind_simply_exited()
    {
        Assert.IsType<ForkFollower.Exited>(ForkFollower.Decide(Tracked(ExpectMode.Daemon), []));
    }
}
