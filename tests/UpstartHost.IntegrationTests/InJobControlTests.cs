namespace UpstartHost.IntegrationTests;

/// <summary>
/// `start`, `stop` or `upstartctl` run inside a job reach the daemon that runs the job, also a system daemon
/// started on another socket than the standard one (it tells its jobs with UPSTARTPS_SOCKET).
/// </summary>
[Collection(RealDaemonTests.Name)]
public class InJobControlTests
{
    [Fact]
    public async Task A_job_of_a_system_daemon_on_another_socket_controls_that_daemon()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        var marker = Path.Combine(d.Root, "status-from-job");
        d.WriteJob("target", "exec /bin/sleep 1000\n");
        d.WriteJob("caller", $"task\nconsole none\nexec /bin/sh -c '\"{DaemonFixture.CtlPath}\" start target > {marker}.tmp 2>&1; mv {marker}.tmp {marker}'\n");
        await d.StartAsync();

        await d.Client.StartAsync("caller");

        var output = await File.ReadAllTextAsync(marker);
        Assert.StartsWith("target start/running, process ", output, StringComparison.Ordinal);
        Assert.Equal("running", (await d.Client.StatusAsync("target")).Single().State);
        await d.Client.StopAsync("target");
    }
}
