using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

public sealed class SpawnTests(ProcessLayerFixture fixture) : IClassFixture<ProcessLayerFixture>
{
    [Fact]
    public async Task A_spawned_process_is_running_when_Spawn_returns_and_its_exit_is_reported()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30"));

        Assert.Equal("sleep", ProcessTree.ReadProcFile(pid, "comm")?.Trim());
        var exited = await fixture.KillAndReap(pid);
        Assert.Equal(new ProcessExited(pid, 9 << 8, true), exited);
    }

    [Fact]
    public async Task An_exit_status_is_reported_as_the_exit_code()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c 'exit 3'"));

        Assert.Equal(new ProcessExited(pid, 3, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task A_process_killed_by_a_signal_is_reported_as_signo_shifted_by_8()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c 'kill -TERM $$'"));

        Assert.Equal(new ProcessExited(pid, 15 << 8, true), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public void A_missing_binary_fails_the_spawn_with_Upstarts_message()
    {
        var result = fixture.Layer.Spawn(SpawnRequests.Exec("/nonexistent/program --flag"));

        Assert.False(result.Succeeded);
        Assert.Equal("unable to execute: No such file or directory", result.Error);
    }

    [Fact]
    public void A_program_not_on_PATH_fails_the_spawn()
    {
        var result = fixture.Layer.Spawn(SpawnRequests.Exec("no-such-program-upstartps"));

        Assert.Equal("unable to execute: No such file or directory", result.Error);
    }

    [Fact]
    public void An_unknown_user_fails_the_spawn_and_the_layer_keeps_working()
    {
        var result = fixture.Layer.Spawn(SpawnRequests.Exec("/bin/true", c => c with { Setuid = "no-such-user-upstartps" }));

        Assert.Equal("unable to find setuid user", result.Error);
        fixture.Start(SpawnRequests.Exec("/bin/true"));
    }

    [Fact]
    public void An_unknown_group_fails_the_spawn()
    {
        var result = fixture.Layer.Spawn(SpawnRequests.Exec("/bin/true", c => c with { Setgid = "no-such-group-upstartps" }));

        Assert.Equal("unable to find setgid group", result.Error);
    }

    [Fact]
    public void A_missing_chdir_fails_the_spawn()
    {
        var result = fixture.Layer.Spawn(SpawnRequests.Exec("/bin/true", c => c with { Chdir = "/nonexistent-upstartps" }));

        Assert.Equal("unable to change working directory: No such file or directory", result.Error);
    }

    [Fact]
    public async Task A_failed_spawn_posts_no_exit_notice()
    {
        var failed = fixture.Layer.Spawn(SpawnRequests.Exec("/nonexistent/program"));
        var marker = fixture.Start(SpawnRequests.Exec("/bin/true"));
        await fixture.Notices.WaitFor<ProcessExited>(marker);

        Assert.False(failed.Succeeded);
        Assert.Empty(fixture.Notices.About(failed.Pid));
    }

    [Fact]
    public async Task A_process_that_exits_at_once_is_still_reported()
    {
        var pids = Enumerable.Range(0, 20).Select(_ => fixture.Start(SpawnRequests.Exec("/bin/true"))).ToList();

        foreach (var pid in pids)
        {
            Assert.Equal(new ProcessExited(pid, 0, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        }

        await ProcessTree.AssertGone([.. pids]);
    }

    [Fact]
    public async Task Every_process_leads_its_own_session_and_process_group()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30"));
        var stat = ProcessTree.Stat(pid)!;

        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), stat[2]);
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), stat[3]);
        await fixture.KillAndReap(pid);
    }
}
