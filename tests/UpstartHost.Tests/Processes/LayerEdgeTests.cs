using UpstartHost.Processes;
using UpstartHost.Processes.Native;

namespace UpstartHost.Tests.Processes;

/// <summary>Bad input and a broken installation give a spawn error (at once or as ProcessSpawnFailed), never an exception.</summary>
public sealed class LayerEdgeTests
{
    [Fact]
    public void A_missing_exec_helper_is_a_spawn_error_naming_it()
    {
        using var layer = new ProcessLayer(new NoticeRecorder(), helperPath: "/nonexistent/upstart-exec");

        var result = layer.Spawn(SpawnRequests.Exec("/bin/true"));

        Assert.Equal("unable to execute /nonexistent/upstart-exec: No such file or directory", result.Error);
    }

    [Fact]
    public void A_NUL_byte_in_the_environment_is_refused()
    {
        using var layer = new ProcessLayer(new NoticeRecorder());

        var result = layer.Spawn(SpawnRequests.Exec("/bin/true", environment: ["A=b\0c"]));

        Assert.Equal("unable to execute: a NUL byte in the environment", result.Error);
    }

    [Fact]
    public async Task Hostile_settings_stay_single_arguments()
    {
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices);

        var result = await SpawnOutcome.Of(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { Setuid = "x; rm -rf /", Chdir = "-d" }));

        Assert.Equal("unable to find setuid user", result.Error);
    }

    [Fact]
    public void Spawn_after_dispose_is_an_error()
    {
        var layer = new ProcessLayer(new NoticeRecorder());
        layer.Dispose();

        Assert.False(layer.Spawn(SpawnRequests.Exec("/bin/true")).Succeeded);
    }

    [Fact]
    public async Task Disposing_the_layer_leaves_its_processes_running_and_they_are_still_reaped()
    {
        var notices = new NoticeRecorder();
        var log = Path.Combine(Path.GetTempPath(), "upstartps-dispose-" + Guid.NewGuid().ToString("N") + ".log");
        var layer = new ProcessLayer(notices);
        var pid = layer.Spawn(SpawnRequests.Script("echo before\nsleep 30\n", logPath: log)).Pid;
        try
        {
            await notices.WaitFor<ProcessSpawned>(pid);
            await LogText.Eventually(() => File.Exists(log), "the first output");
            layer.Dispose();

            Assert.True(ProcessTree.Exists(pid), "decision 7: a daemon restart does not kill its jobs");

            // The shell may still be on its way from the echo to waiting for sleep; it must come to rest there.
            await LogText.Eventually(() => ProcessTree.Stat(pid)?[0] == "S", "the shell to wait for sleep");
        }
        finally
        {
            Libc.kill(-pid, Libc.SIGKILL);
            await ProcessTree.AssertGone(pid);
            File.Delete(log);
            File.Delete(UpstartHost.Logging.LogLineTimes.PathFor(log));
        }

        Assert.Equal([new ProcessSpawned(pid)], notices.About(pid));
    }

    [Fact]
    public async Task Many_processes_exiting_together_are_each_reported_once()
    {
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices);

        var pids = Enumerable.Range(0, 100).Select(i => layer.Spawn(SpawnRequests.Exec("/bin/sh -c '(/bin/true &) ; exit " + (i % 3) + "'")).Pid).ToList();

        for (var i = 0; i < pids.Count; i++)
        {
            Assert.Equal(new ProcessExited(pids[i], i % 3, false), await notices.WaitFor<ProcessExited>(pids[i]));
        }

        await ProcessTree.AssertGone([.. pids]);
        for (var i = 0; i < pids.Count; i++)
        {
            Assert.Equal([new ProcessSpawned(pids[i]), new ProcessExited(pids[i], i % 3, false)], notices.About(pids[i]));
        }
    }
}
