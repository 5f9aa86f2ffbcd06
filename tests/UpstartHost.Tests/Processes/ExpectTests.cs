using System.Globalization;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>`expect stop|fork|daemon` with real programs that stop, fork and double-fork (UPSTART.md §a.2).</summary>
public sealed class ExpectTests(ProcessLayerFixture fixture) : IClassFixture<ProcessLayerFixture>
{
    private static readonly TestPrograms Programs = TestPrograms.Instance;

    private string PidFile() => Path.Combine(fixture.LogDirectory, Guid.NewGuid().ToString("N") + ".pid");

    private static async Task<int> ReadPidFile(string path)
    {
        var text = "";
        await LogText.Eventually(() => File.Exists(path) && (text = File.ReadAllText(path)).EndsWith('\n'), "pid file " + path);
        return int.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    private static Func<JobClassConfig, JobClassConfig> Expect(ExpectMode mode) => c => c with { Expect = mode };

    [Fact]
    public async Task Expect_stop_continues_the_process_and_reports_it_ready()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c 'kill -STOP $$; exec /bin/sleep 30'", Expect(ExpectMode.Stop)));

        Assert.Equal(new ProcessReady(pid, pid), await fixture.Notices.WaitFor<ProcessReady>(pid));
        await LogText.Eventually(() => ProcessTree.ReadProcFile(pid, "comm")?.Trim() == "sleep", "the continued shell to exec sleep");
        Assert.Equal(new ProcessExited(pid, 9 << 8, true), await fixture.KillAndReap(pid));
    }

    [Fact]
    public async Task Expect_stop_with_a_process_that_exits_instead_reports_only_the_exit()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c 'exit 4'", Expect(ExpectMode.Stop)));

        Assert.Equal(new ProcessExited(pid, 4, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        Assert.Empty(fixture.Notices.About(pid).OfType<ProcessReady>());
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Expect_fork_follows_the_child_of_a_program_that_forks_once()
    {
        var pidFile = PidFile();
        var pid = fixture.Start(SpawnRequests.Exec($"{Programs.Forker} 1 {pidFile}", Expect(ExpectMode.Fork)));

        var daemon = await ReadPidFile(pidFile);
        Assert.Equal(new ProcessReady(pid, daemon), await fixture.Notices.WaitFor<ProcessReady>(pid));
        Assert.Empty(fixture.Notices.About(pid).OfType<ProcessExited>());
        Assert.Equal(new ProcessExited(daemon, 9 << 8, true), await fixture.KillAndReap(daemon));
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Expect_daemon_follows_a_double_fork_with_setsid()
    {
        var pidFile = PidFile();
        var pid = fixture.Start(SpawnRequests.Exec($"{Programs.Forker} 2 setsid {pidFile}", Expect(ExpectMode.Daemon)));

        var daemon = await ReadPidFile(pidFile);
        Assert.Equal(new ProcessReady(pid, daemon), await fixture.Notices.WaitFor<ProcessReady>(pid));
        Assert.NotEqual(pid.ToString(CultureInfo.InvariantCulture), ProcessTree.Stat(daemon)![3]);
        Assert.Equal(new ProcessExited(daemon, 9 << 8, true), await fixture.KillAndReap(daemon));
    }

    [Fact]
    public async Task Expect_daemon_follows_a_double_fork_in_the_jobs_session()
    {
        var pidFile = PidFile();
        var pid = fixture.Start(SpawnRequests.Exec($"{Programs.Forker} 2 {pidFile}", Expect(ExpectMode.Daemon)));

        var daemon = await ReadPidFile(pidFile);
        Assert.Equal(new ProcessReady(pid, daemon), await fixture.Notices.WaitFor<ProcessReady>(pid));
        await fixture.KillAndReap(daemon);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Expect_fork_follows_a_shell_background_subshell_whose_middle_process_the_shell_reaped()
    {
        // The shell reaps the subshell itself, so only one generation ever reaches the daemon (docs/processes.md).
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c '(/bin/sleep 30 &) ; exit 0'", Expect(ExpectMode.Fork)));

        var ready = await fixture.Notices.WaitFor<ProcessReady>(pid);
        await LogText.Eventually(() => ProcessTree.ReadProcFile(ready.MainPid, "comm")?.Trim() == "sleep", "the followed child to be sleep");
        await fixture.KillAndReap(ready.MainPid);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Expect_daemon_with_a_program_that_forks_once_stays_unready_and_can_still_be_stopped()
    {
        var pidFile = PidFile();
        var pid = fixture.Start(SpawnRequests.Exec($"{Programs.Forker} 1 setsid {pidFile}", Expect(ExpectMode.Daemon)));
        var child = await ReadPidFile(pidFile);

        // Like Upstart the job stays in spawned; unlike Upstart nothing is traced, so nothing hangs.
        await Task.Delay(300);
        Assert.Empty(fixture.Notices.About(pid));
        fixture.Layer.SignalGroup(pid, 15);

        Assert.Equal(new ProcessExited(pid, 15 << 8, true), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid, child);
    }

    [Fact]
    public async Task Expect_fork_with_a_program_that_never_forks_reports_its_exit()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c 'exit 0'", Expect(ExpectMode.Fork)));

        Assert.Equal(new ProcessExited(pid, 0, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        Assert.Empty(fixture.Notices.About(pid).OfType<ProcessReady>());
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Expect_fork_with_a_parent_that_fails_reports_the_failure()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c '/bin/sleep 30 & exit 2'", Expect(ExpectMode.Fork)));

        Assert.Equal(new ProcessExited(pid, 2, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        fixture.Layer.SignalGroup(pid, 9);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Expect_applies_to_the_main_process_only()
    {
        var request = SpawnRequests.For(new ProcessDefinition(false, "/bin/sh -c 'exit 0'"), Expect(ExpectMode.Fork), null, null, ProcessKind.PreStart);
        var pid = fixture.Start(request);

        Assert.Equal(new ProcessExited(pid, 0, false), await fixture.Notices.WaitFor<ProcessExited>(pid));
        await ProcessTree.AssertGone(pid);
    }
}
