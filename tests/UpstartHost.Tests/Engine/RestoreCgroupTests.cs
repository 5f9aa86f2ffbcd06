using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// An instance's job cgroup across a daemon restart (docs/daemon.md "Restarting the daemon", docs/processes.md):
/// recorded with the instance, handed back to the process layer before anything can finish the instance, and
/// its leftovers killed at the end exactly when the daemon ended the main process, before the restart or after.
/// </summary>
public sealed class RestoreCgroupTests
{
    private const string Path = "/cg/upstartps.1/j-test/i-.41-1";

    private static EngineHarness Running()
    {
        var before = new EngineHarness().With(EngineHarness.Service());
        before.Processes.CgroupPaths["test/"] = Path;
        _ = before.Start();
        return before;
    }

    private static EngineHarness Resume(EngineHarness from, bool mainGone)
    {
        var to = new EngineHarness().With(EngineHarness.Service());
        to.Core.Restore(from.Core.SnapshotInstances(), 0, _ => !mainGone);
        to.Pump();
        return to;
    }

    [Fact]
    public void The_snapshot_records_the_instances_cgroup()
    {
        var before = Running();

        Assert.Equal(Path, Assert.Single(before.Core.SnapshotInstances()).Cgroup);
    }

    [Fact]
    public void A_stop_under_way_whose_main_ended_meanwhile_kills_the_leftovers_in_the_resumed_cgroup()
    {
        var before = Running();
        _ = before.Core.Stop("test", [], wait: false);
        before.Pump();
        Assert.Equal("stop/killed", before.Status());

        var after = Resume(before, mainGone: true);

        Assert.Equal("stop/waiting", after.Status());
        Assert.Equal(["resume test/ " + Path, "finished test/ kill"], after.Processes.CgroupCalls);
    }

    [Fact]
    public void A_stop_after_the_restart_kills_the_leftovers_in_the_resumed_cgroup()
    {
        var after = Resume(Running(), mainGone: false);
        var pid = after.Pid(ProcessKind.Main);

        _ = after.Core.Stop("test", [], wait: false);
        after.Pump();
        after.Notice(new ProcessGone(pid));

        Assert.Equal(["resume test/ " + Path, "finished test/ kill"], after.Processes.CgroupCalls);
    }

    [Fact]
    public void An_adopted_main_that_ends_by_itself_leaves_its_leftovers_running_as_under_Upstart()
    {
        var after = Resume(Running(), mainGone: false);

        after.Notice(new ProcessGone(after.Pid(ProcessKind.Main)));

        Assert.Equal(["resume test/ " + Path, "finished test/ let-go"], after.Processes.CgroupCalls);
    }
}
