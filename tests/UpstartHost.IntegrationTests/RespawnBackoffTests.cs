using System.Diagnostics;

namespace UpstartHost.IntegrationTests;

/// <summary>Beyond Upstart: `respawn delay` against the real daemon and a real process killed again and again.</summary>
[Collection(RealDaemonTests.Name)]
public class RespawnBackoffTests
{
    private const string Flapping = "respawn\nrespawn delay 0.5 2\nrespawn limit unlimited\nexec /bin/sleep 1000\n";

    [Fact]
    public async Task A_service_killed_repeatedly_waits_longer_each_time_shows_the_wait_and_stop_cancels_it()
    {
        await using var d = await DaemonFixture.StartNewAsync(("flap", Flapping));
        await d.Client.StartAsync("flap");

        foreach (var delay in new[] { 0.5, 1.0, 2.0 })
        {
            var pid = await MainPidAsync(d);
            var killedAt = Stopwatch.GetTimestamp();
            Kill(pid);

            await DaemonFixture.WaitUntilAsync(async () => (await MainPidAsync(d)) is var p && p != 0 && p != pid, "the respawn after " + delay + "s");
            var waited = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
            Assert.True(waited >= delay * 0.95, $"respawned after {waited:0.000}s, delay {delay}s");
        }

        // A fourth young death waits MAX (2s): the status says so, and stop ends the wait at once.
        var last = await MainPidAsync(d);
        Kill(last);
        await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("flap")).Single().NextRespawn is not null, "the wait to show");
        var waiting = (await d.Client.StatusAsync("flap")).Single();
        Assert.Equal(("start", "post-stop"), (waiting.Goal, waiting.State));
        var status = await d.RunCtlAsync(["status", "flap"]);
        Assert.Matches(@"^flap start/post-stop\n\trespawn due \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n$", status.Stdout);

        var stop = await d.RunCtlAsync(["stop", "flap"]);
        Assert.Equal((0, "flap stop/waiting\n"), (stop.ExitCode, stop.Stdout));
        Assert.Empty(d.JobProcesses());
    }

    /// <summary>SIGKILL to one job process (Process.Kill sends SIGKILL on Linux; the process is not our child).</summary>
    private static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    private static async Task<int> MainPidAsync(DaemonFixture d) =>
        (await d.Client.StatusAsync("flap")).Single().Processes.FirstOrDefault(p => p.Kind == "main")?.Pid ?? 0;
}
