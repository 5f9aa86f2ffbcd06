using UpstartPS.Protocol;

namespace UpstartHost.IntegrationTests;

/// <summary>Admin-stopped and disabled jobs stay so across a daemon restart (docs/beyond-upstart.md).</summary>
[Collection(RealDaemonTests.Name)]
public class PersistedStateTests
{
    private const string BootJob = "start on startup\nexec /bin/sleep 1000\n";

    private static async Task<string> StateOf(DaemonFixture d, string job) => (await d.Client.StatusAsync(job)).Single().State;

    [Fact]
    public async Task An_admin_stopped_job_is_not_started_by_boot_events_after_a_restart()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", BootJob), ("other", BootJob));
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web");
        var stop = await d.RunCtlAsync(["stop", "web"]);
        Assert.Equal(0, stop.ExitCode);

        await d.RestartAsync();
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "other") == "running", "boot to start the other job");
        Assert.Equal("waiting", await StateOf(d, "web"));

        // An administrator's start lifts it; the next boot starts it again.
        Assert.Equal(0, (await d.RunCtlAsync(["start", "web"])).ExitCode);
        await d.RestartAsync();
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web again");
    }

    [Fact]
    public async Task A_disabled_job_refuses_start_until_enabled_and_survives_a_restart()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", BootJob));
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web");
        Assert.Equal(0, (await d.RunCtlAsync(["disable", "web"])).ExitCode);
        await d.Client.StopAsync("web");

        await d.RestartAsync();
        Assert.True((await d.Client.StatusAsync("web")).Single().Disabled);
        var refused = await d.RunCtlAsync(["start", "web"]);
        Assert.Equal((1, "upstartctl: Job is disabled: web (enable it first)\n"), (refused.ExitCode, refused.Stderr));
        var e = await Assert.ThrowsAsync<UpstartException>(() => d.Client.StartAsync("web"));
        Assert.Equal(UpstartErrorCode.JobFailedToStart, e.Code);

        Assert.Equal(0, (await d.RunCtlAsync(["enable", "web"])).ExitCode);
        Assert.Equal(0, (await d.RunCtlAsync(["start", "web"])).ExitCode);
    }
}
