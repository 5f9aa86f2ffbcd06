using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;
using UpstartHost.Processes.Cgroups;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// `expect daemon` when the job runs in its own cgroup, with the fork shape no session or process group
/// can tie to the job: a first parent that reaps the intermediate itself, as dpkg's
/// `start-stop-daemon --start --background` does (the idiom of many third-party job files).
/// </summary>
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync.
public sealed class ExpectInJobCgroupTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TestPrograms Programs = TestPrograms.Instance;

    private readonly NoticeRecorder notices = new();
    private readonly string pidFile = Path.Combine(Path.GetTempPath(), "upstartps-expect-" + Guid.NewGuid().ToString("N") + ".pid");
    private JobCgroups? cgroups;
    private ProcessLayer? layer;

    public Task InitializeAsync()
    {
        cgroups = JobCgroups.Create(new JobCgroupOptions { SocketPath = "/tmp/" + Guid.NewGuid().ToString("N") + ".sock" }, NullLogger.Instance);
        layer = new ProcessLayer(notices, null, null, cgroups);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        layer?.Dispose();
        if (cgroups is not null)
        {
            await cgroups.KillAllAsync();
        }

        File.Delete(pidFile);
    }

    [RootFact]
    public async Task Expect_daemon_finds_the_daemon_whose_intermediate_the_first_parent_reaped()
    {
        Assert.True(cgroups!.Available, "needs cgroup v2 with cgroup.kill, writable by root, on the test machine");
        var request = SpawnRequests.Exec($"{Programs.Forker} 2 setsid reap {pidFile}", c => c with { Expect = ExpectMode.Daemon });

        var spawned = await SpawnOutcome.Of(layer!, notices, request);
        Assert.True(spawned.Succeeded, "spawn failed: " + spawned.Error);
        var daemon = await ReadPidFile();

        // Upstart's ptrace counts both forks and follows the grandchild; the daemon must not be taken for gone.
        Assert.Equal(new ProcessReady(spawned.Pid, daemon), await notices.WaitFor<ProcessReady>(spawned.Pid));
        Assert.Empty(notices.About(spawned.Pid).OfType<ProcessExited>());

        layer!.SignalGroup(daemon, 9);
        Assert.Equal(new ProcessExited(daemon, 9 << 8, true), await notices.WaitFor<ProcessExited>(daemon));
    }

    private async Task<int> ReadPidFile()
    {
        var text = "";
        await LogText.Eventually(() => File.Exists(pidFile) && (text = File.ReadAllText(pidFile)).EndsWith('\n'), "pid file " + pidFile);
        return int.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }
}
