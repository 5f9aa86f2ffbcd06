using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// A service with `expect stop` still starting when the daemon re-execs or is killed and restarted: its SIGSTOP
/// must still be answered with SIGCONT, or it stays stopped for good while shown as running (docs/daemon.md).
/// </summary>
[Collection(RealDaemonTests.Name)]
public class ExpectStopAcrossRestartsTests
{
    /// <summary>Raises SIGSTOP once the test creates GO, then records that it was continued.</summary>
    private static string Job(string root) => $"""
        expect stop
        console none
        script
          while [ ! -e {root}/GO ]; do sleep 0.05; done
          kill -STOP $$
          echo continued > {root}/OUT
          exec sleep 1000
        end script
        """;

    private static async Task<JobInfo> StatusOf(DaemonFixture d) => (await d.Client.StatusAsync("stopper")).Single();

    private static async Task<int> StartedAndSpawned(DaemonFixture d)
    {
        var started = await d.RunCtlAsync(["start", "--no-wait", "stopper"]);
        Assert.True(started.ExitCode == 0, started.Stderr);
        JobInfo? status = null;
        await DaemonFixture.WaitUntilAsync(async () => (status = await StatusOf(d)).State == "spawned", "stopper spawned");
        return status!.Processes.Single(p => p.Kind == "main").Pid;
    }

    private static async Task ContinuedAndRunning(DaemonFixture d, int pid)
    {
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(File.Exists(Path.Combine(d.Root, "OUT"))), "stopper continued after its SIGSTOP");
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d)).State == "running", "stopper running");
        Assert.Equal(pid, (await StatusOf(d)).Processes.Single(p => p.Kind == "main").Pid);
    }

    [Fact]
    public async Task After_a_re_exec_the_stop_is_still_waited_for_and_answered()
    {
        await using var d = DaemonFixture.Create();
        d.WriteJob("stopper", Job(d.Root));
        await d.StartAsync();
        var pid = await StartedAndSpawned(d);

        var result = await d.RunCtlAsync(["re-exec"]);
        Assert.True(result.ExitCode == 0, result.Stderr + d.DaemonOutput);
        await d.ReconnectAsync();
        Assert.Equal("spawned", (await StatusOf(d)).State);

        await File.WriteAllTextAsync(Path.Combine(d.Root, "GO"), "");
        await ContinuedAndRunning(d, pid);
    }

    [Fact]
    public async Task A_new_daemon_continues_a_process_that_stopped_while_none_was_watching()
    {
        await using var d = DaemonFixture.Create();
        d.WriteJob("stopper", Job(d.Root));
        await d.StartAsync();
        var pid = await StartedAndSpawned(d);
        // The record a new daemon resumes from is written just after each change: wait for it before the kill.
        var record = Path.Combine(d.StateDir, "instances.json");
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(File.Exists(record) && File.ReadAllText(record) is var text
                && text.Contains($"\"pid\":{pid},", StringComparison.Ordinal) && text.Contains("\"state\":\"spawned\"", StringComparison.Ordinal)),
            "the record of stopper spawned");

        await d.KillDaemonAsync();
        await File.WriteAllTextAsync(Path.Combine(d.Root, "GO"), "");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(UpstartHost.Processes.ProcStat.Read(pid)?.State == 'T'), "stopper stopped with no daemon");
        await d.StartAsync();

        await ContinuedAndRunning(d, pid);
    }
}
