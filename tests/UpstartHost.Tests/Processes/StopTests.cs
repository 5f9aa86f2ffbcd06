using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>The process side of stopping: signals reach the whole group and nothing is orphaned.</summary>
public sealed class StopTests(ProcessLayerFixture fixture) : IClassFixture<ProcessLayerFixture>
{
    [Fact]
    public async Task SignalGroup_reaches_every_process_of_the_group()
    {
        var pid = fixture.Start(SpawnRequests.Script("/bin/sleep 30 &\n/bin/sleep 30 &\nwait\n"));
        await LogText.Eventually(() => ProcessTree.InSession(pid).Count == 3, "the script and its two sleeps");

        fixture.Layer.SignalGroup(pid, 15);

        Assert.Equal(new ProcessExited(pid, 15 << 8, true), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task A_stop_leaves_no_orphaned_grandchildren()
    {
        // The subshell exits at once, so its sleep is reparented to the daemon while the job still runs.
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c '(/bin/sleep 30 &) ; exec /bin/sleep 30'"));
        await LogText.Eventually(() => ProcessTree.InSession(pid).Count == 2, "the job and its orphaned grandchild");

        fixture.Layer.SignalGroup(pid, 15);

        Assert.Equal(new ProcessExited(pid, 15 << 8, true), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Orphans_left_by_a_finished_process_are_reaped_without_a_notice()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c '(/bin/sleep 0.2 &) ; exit 0'"));

        Assert.Equal(new ProcessExited(pid, 0, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid);
        Assert.Equal([new ProcessSpawned(pid), new ProcessExited(pid, 0, false)], fixture.Notices.About(pid));
    }

    [Fact]
    public async Task A_TERM_ignoring_process_survives_TERM_and_dies_on_KILL()
    {
        var pid = fixture.Start(SpawnRequests.Script("trap '' TERM\nexec /bin/sleep 30\n"));
        await LogText.Eventually(() => ProcessTree.ReadProcFile(pid, "comm")?.Trim() == "sleep", "the shell to exec sleep");

        fixture.Layer.SignalGroup(pid, 15);
        await Task.Delay(200);
        Assert.True(ProcessTree.Exists(pid), "TERM is ignored");
        Assert.Equal([new ProcessSpawned(pid)], fixture.Notices.About(pid));

        Assert.Equal(new ProcessExited(pid, 9 << 8, true), await fixture.KillAndReap(pid));
    }

    [Fact]
    public async Task Signal_reaches_only_the_main_process()
    {
        var pid = fixture.Start(SpawnRequests.Script("trap 'echo reloaded; exit 7' HUP\n/bin/sleep 30 &\nwait\n"));
        await LogText.Eventually(() => ProcessTree.InSession(pid).Count == 2, "the shell and sleep");
        var sleep = ProcessTree.InSession(pid).Single(p => p != pid);

        fixture.Layer.Signal(pid, 1);

        Assert.Equal(new ProcessExited(pid, 7, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        Assert.True(ProcessTree.Exists(sleep), "the sleep was not signalled");
        fixture.Layer.SignalGroup(sleep, 9);
        fixture.Layer.SignalGroup(pid, 9);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public void Signals_to_pid_0_1_or_negative_are_ignored()
    {
        fixture.Layer.SignalGroup(0, 0);
        fixture.Layer.SignalGroup(1, 0);
        fixture.Layer.SignalGroup(-1, 0);
        fixture.Layer.Signal(0, 0);

        Assert.True(ProcessTree.Exists(Environment.ProcessId));
    }
}
