namespace UpstartHost.Tests.Supervision;

/// <summary>`env`, `export` and `instance` with real processes: what each process sees, and what job events carry (UPSTART.md §b.4).</summary>
[Collection(RunAlone.Name)]
public sealed class EnvironmentTests
{
    private const string Worker = """
        instance $N
        env GREETING=hello
        export N
        exec /bin/sh -c 'echo "N=$N GREETING=$GREETING JOB=$UPSTART_JOB INSTANCE=$UPSTART_INSTANCE"; exec sleep 1000'
        """;

    [Fact]
    public async Task Two_instances_run_at_once_each_with_its_own_environment_and_log()
    {
        await using var sv = await Supervisor.StartAsync(("worker", Worker));

        await sv.StartJob("worker", "N=1");
        await sv.StartJob("worker", "N=2");

        var one = await sv.MainPid("worker", "1");
        var two = await sv.MainPid("worker", "2");
        Assert.NotEqual(one, two);
        Assert.True(ProcScan.IsAlive(one) && ProcScan.IsAlive(two));

        // The shell prints, then execs sleep; /proc/PID/environ reads empty while that exec replaces the
        // image, so read it only once each main process has become sleep (the kernel offers nothing to await).
        await sv.LogContaining("worker", "1", "N=1 GREETING=hello JOB=worker INSTANCE=1");
        await sv.LogContaining("worker", "2", "N=2 GREETING=hello JOB=worker INSTANCE=2");
        await BecomesSleep(one);
        await BecomesSleep(two);
        Assert.Contains("N=1", Environ(one));
        Assert.Contains("UPSTART_INSTANCE=1", Environ(one));
        Assert.Contains("N=2", Environ(two));
        Assert.Contains("GREETING=hello", Environ(two));
        Assert.Contains("UPSTART_JOB=worker", Environ(two));
    }

    [Fact]
    public async Task Exported_variables_are_carried_by_the_instances_job_events()
    {
        await using var sv = await Supervisor.StartAsync(("worker", Worker));
        var mark = sv.Notifications.Count;

        await sv.StartJob("worker", "N=7");
        await sv.StopJob("worker", "N=7");

        foreach (var name in new[] { "starting", "started", "stopping", "stopped" })
        {
            var e = await sv.WaitForEvent(name, mark, "JOB=worker", "INSTANCE=7");
            Assert.Equal("7", NotificationLog.Value(e, "N"));
            Assert.Null(NotificationLog.Value(e, "GREETING"));
        }
    }

    [Fact]
    public async Task A_second_start_of_a_running_instance_is_refused_without_touching_it()
    {
        await using var sv = await Supervisor.StartAsync(("worker", Worker));
        await sv.StartJob("worker", "N=1");
        var pid = await sv.MainPid("worker", "1");

        var error = await Assert.ThrowsAsync<UpstartHost.Engine.EngineException>(() => sv.StartJob("worker", "N=1"));

        Assert.Equal(UpstartHost.Engine.EngineError.AlreadyRunning, error.Error);
        Assert.Equal(pid, await sv.MainPid("worker", "1"));
    }

    /// <summary>
    /// Until the process is sleep with its environment in place: execve renames the task (comm) before it
    /// lays out the new image's environment, so comm alone can be "sleep" while environ still reads empty.
    /// </summary>
    private static async Task BecomesSleep(int pid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (ProcScan.ProcFile(pid, "comm").Trim() != "sleep" || Environ(pid).Length == 0)
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private static string[] Environ(int pid) => ProcScan.ProcFile(pid, "environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
}
