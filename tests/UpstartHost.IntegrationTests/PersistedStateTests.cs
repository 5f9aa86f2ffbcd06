using UpstartPS.Protocol;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// Stop is Upstart's (nothing remembered); disable is the lasting "keep it down", with `--now` to stop the
/// job as well, and it survives a daemon restart (docs/beyond-upstart.md).
/// </summary>
[Collection(RealDaemonTests.Name)]
public class PersistedStateTests
{
    private const string BootJob = "start on startup\nexec /bin/sleep 1000\n";

    private static async Task<string> StateOf(DaemonFixture d, string job) => (await d.Client.StatusAsync(job)).Single().State;

    [Fact]
    public async Task A_stopped_job_is_started_again_by_its_next_start_on_event_as_under_Upstart()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", "start on go\nexec /bin/sleep 1000\n"));
        Assert.Equal(0, (await d.RunCtlAsync(["emit", "go"])).ExitCode);
        Assert.Equal("running", await StateOf(d, "web"));

        var stop = await d.RunCtlAsync(["stop", "web"]);
        Assert.Equal((0, "web stop/waiting\n"), (stop.ExitCode, stop.Stdout));

        // `stop x; …; emit y`: the event starts it again (emit waits until it has).
        Assert.Equal(0, (await d.RunCtlAsync(["emit", "go"])).ExitCode);
        Assert.Equal("running", await StateOf(d, "web"));
        Assert.False(File.Exists(Path.Combine(d.StateDir, "admin-state.json")), "a stop writes no admin state");
    }

    [Fact]
    public async Task A_stopped_boot_job_is_started_again_at_the_next_boot()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", BootJob));
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web");
        Assert.Equal(0, (await d.RunCtlAsync(["stop", "web"])).ExitCode);

        await d.RestartAsync();

        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web again");
    }

    [Fact]
    public async Task Disable_now_stops_the_job_and_keeps_it_down_across_a_restart_and_status_says_disabled()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", BootJob), ("other", BootJob));
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running" && await StateOf(d, "other") == "running", "boot to start both jobs");
        Assert.Equal(2, d.JobProcesses().Count);

        var disable = await d.RunCtlAsync(["disable", "--now", "web"]);
        Assert.Equal((0, "web stop/waiting, disabled\n", ""), (disable.ExitCode, disable.Stdout, disable.Stderr));
        Assert.Single(d.JobProcesses());

        await d.RestartAsync();
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "other") == "running", "boot to start the other job");
        Assert.Equal("waiting", await StateOf(d, "web"));
        var status = await d.RunCtlAsync(["status", "web"]);
        Assert.Equal((0, "web stop/waiting, disabled\n"), (status.ExitCode, status.Stdout));
        Assert.Contains("web stop/waiting, disabled\n", (await d.RunCtlAsync(["list"])).Stdout, StringComparison.Ordinal);
        Assert.True((await d.Client.StatusAsync("web")).Single().Disabled);

        Assert.Equal(0, (await d.RunCtlAsync(["enable", "web"])).ExitCode);
        var enabled = await d.RunCtlAsync(["status", "web"]);
        Assert.Equal((0, "web stop/waiting\n"), (enabled.ExitCode, enabled.Stdout));
    }

    [Fact]
    public async Task A_disabled_job_refuses_start_until_enabled_and_survives_a_restart()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", BootJob));
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web");
        Assert.Equal(0, (await d.RunCtlAsync(["disable", "web"])).ExitCode);

        // Plain disable leaves it running, and the status line says both.
        var running = await d.RunCtlAsync(["status", "web"]);
        Assert.Matches(@"^web start/running, process \d+, disabled\n$", running.Stdout);
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

    [Fact]
    public async Task A_version_1_state_file_loses_its_stopped_marks_and_the_daemon_logs_the_jobs()
    {
        await using var d = DaemonFixture.Create();
        d.WriteJob("web", BootJob);
        d.WriteJob("cups", BootJob);
        Directory.CreateDirectory(d.StateDir);
        File.WriteAllText(Path.Combine(d.StateDir, "admin-state.json"), """{ "version": 1, "stopped": ["web"], "disabled": ["cups"] }""");

        await d.StartAsync();

        // The old stopped mark no longer holds web down at boot; the disabled mark still holds cups.
        await DaemonFixture.WaitUntilAsync(async () => await StateOf(d, "web") == "running", "boot to start web");
        Assert.Equal("waiting", await StateOf(d, "cups"));
        Assert.Contains("dropped the stopped mark of 1 job(s), which events may start again (disable a job to keep it down): web", d.DaemonOutput, StringComparison.Ordinal);
        Assert.Contains("\"version\": 2", File.ReadAllText(Path.Combine(d.StateDir, "admin-state.json")), StringComparison.Ordinal);
    }
}
