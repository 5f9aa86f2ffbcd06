using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// A respawn waiting out its `respawn delay` when the daemon restarts (re-exec, or kill -9 and a new
/// daemon): the next daemon neither respawns it at once nor forgets it, but respawns it once, when due,
/// with no duplicate, orphan or zombie (docs/daemon.md, "Restarting the daemon").
/// </summary>
[Collection(RealDaemonTests.Name)]
public class DaemonRestartBackoffTests
{
    // The wait: long enough that a restart on a loaded machine ends well inside it.
    private const double DelaySeconds = 10;

    private const string Flapping = "respawn\nrespawn delay 10\nrespawn limit unlimited\nconsole none\nexec /bin/sleep 1000\n";

    /// <summary>Leeway for the clocks' rounding: the daemon formats due times to the millisecond.</summary>
    private static readonly TimeSpan Leeway = TimeSpan.FromMilliseconds(50);

    private static async Task<JobInfo> StatusOf(DaemonFixture d) => (await d.Client.StatusAsync("flap")).Single();

    private static int MainPid(JobInfo job) => job.Processes.FirstOrDefault(p => p.Kind == "main")?.Pid ?? 0;

    /// <summary>Kills the running main process and returns when its back-off wait is due, once the state file has it.</summary>
    private static async Task<DateTimeOffset> KillIntoItsWait(DaemonFixture d)
    {
        await DaemonFixture.WaitUntilAsync(async () => MainPid(await StatusOf(d)) != 0, "flap running");
        DaemonFixture.SendSignal(MainPid(await StatusOf(d)), 9);
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d)).NextRespawn is not null, "the wait to begin");

        // The state is written just after the engine's burst: a crash before that write would lose the wait.
        var stateFile = Path.Combine(d.StateDir, "instances.json");
        await DaemonFixture.WaitUntilAsync(
            async () => (await File.ReadAllTextAsync(stateFile)).Contains("\"dueUtc\"", StringComparison.Ordinal),
            "the wait in the state file");
        return (await StatusOf(d)).NextRespawn!.Value;
    }

    /// <summary>After the restart: still waiting, nothing running, then exactly one respawn, not before it was due.</summary>
    private static async Task AssertWaitsThenRespawnsOnce(DaemonFixture d, DateTimeOffset due)
    {
        var resumed = await StatusOf(d);
        Assert.True(DateTimeOffset.UtcNow < due, "the restart took longer than the wait; the test proves nothing");
        Assert.Equal(("start", "post-stop", 0), (resumed.Goal, resumed.State, MainPid(resumed)));
        Assert.Equal(due, resumed.NextRespawn!.Value, Leeway);
        Assert.Empty(d.ProcessesOfJob("flap"));

        await DaemonFixture.WaitUntilAsync(
            async () => MainPid(await StatusOf(d)) != 0, "the respawn", TimeSpan.FromSeconds(DelaySeconds + 30));
        Assert.True(DateTimeOffset.UtcNow + Leeway >= due, $"respawned at {DateTimeOffset.UtcNow:O}, due {due:O}");
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d)).State == "running", "flap running again");
        var respawned = await StatusOf(d);
        Assert.Equal("start", respawned.Goal);
        Assert.Null(respawned.NextRespawn);
        Assert.Equal([MainPid(respawned)], d.ProcessesOfJob("flap"));
        Assert.Equal(0, DaemonFixture.ZombieChildren(d.DaemonPid));

        // Supervised as before: stop ends it and leaves nothing behind.
        Assert.Equal(0, (await d.RunCtlAsync(["stop", "flap"])).ExitCode);
        Assert.Empty(d.JobProcesses());
    }

    [Fact]
    public async Task A_wait_in_progress_goes_on_across_re_exec_and_respawns_once_when_due()
    {
        await using var d = await DaemonFixture.StartNewAsync(("flap", Flapping));
        await d.Client.StartAsync("flap");
        var due = await KillIntoItsWait(d);
        var daemonPid = d.DaemonPid;

        var reExec = await d.RunCtlAsync(["re-exec"]);
        Assert.True(reExec.ExitCode == 0, reExec.Stderr + d.DaemonOutput);
        await d.ReconnectAsync();

        Assert.Equal(daemonPid, d.DaemonPid);
        Assert.Contains("flap respawn wait resumed", d.DaemonOutput, StringComparison.Ordinal);
        await AssertWaitsThenRespawnsOnce(d, due);
    }

    [Fact]
    public async Task A_wait_in_progress_goes_on_after_a_crash_and_respawns_once_when_due()
    {
        await using var d = await DaemonFixture.StartNewAsync(("flap", Flapping));
        await d.Client.StartAsync("flap");
        var due = await KillIntoItsWait(d);

        await d.KillDaemonAsync();
        await d.StartAsync();

        Assert.Contains("flap respawn wait resumed", d.DaemonOutput, StringComparison.Ordinal);
        await AssertWaitsThenRespawnsOnce(d, due);
    }
}
