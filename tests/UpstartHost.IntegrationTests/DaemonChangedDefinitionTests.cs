using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// A job file changed while its instance runs, then the daemon restarts (re-exec, or kill -9 and a new
/// daemon): the instance carries on under the definition it started with, as after a reload, and the new
/// file takes effect once it stops (docs/daemon.md, "Restarting the daemon").
/// </summary>
[Collection(RealDaemonTests.Name)]
public class DaemonChangedDefinitionTests
{
    private static string Svc(string marker, string version) =>
        $"console none\nexec /bin/sleep 1000\npost-stop exec /bin/sh -c 'echo {version} >> {marker}'\n";

    private static async Task<JobInfo> StatusOf(DaemonFixture d) => (await d.Client.StatusAsync("svc")).Single();

    private static int MainPid(JobInfo job) => job.Processes.Single(p => p.Kind == "main").Pid;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_running_instance_keeps_its_definition_across_a_daemon_restart_until_it_stops(bool crash)
    {
        await using var d = DaemonFixture.Create();
        var marker = Path.Combine(d.Root, "marker");
        var definitions = Path.Combine(d.StateDir, "definitions");
        d.WriteJob("svc", Svc(marker, "v1"));
        await d.StartAsync();
        await d.Client.StartAsync("svc");
        var pid = MainPid(await StatusOf(d));

        // The state writer keeps the definition soon after the start; a file changed before that is not kept.
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Directory.Exists(definitions) && Directory.EnumerateFiles(definitions).Any()), "the definition to be kept");
        d.WriteJob("svc", Svc(marker, "v2"));
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d)).ConfigChanged, "the daemon to see the change");

        if (crash)
        {
            await d.KillDaemonAsync();
            await d.StartAsync();
        }
        else
        {
            var result = await d.RunCtlAsync(["re-exec"]);
            Assert.True(result.ExitCode == 0, result.Stderr + d.DaemonOutput);
            await d.ReconnectAsync();
        }

        var resumed = await StatusOf(d);
        Assert.Equal(("running", pid, true), (resumed.State, MainPid(resumed), resumed.ConfigChanged));

        await d.Client.StopAsync("svc");
        Assert.Equal("v1\n", File.ReadAllText(marker));

        await d.Client.StartAsync("svc");
        Assert.False((await StatusOf(d)).ConfigChanged);
        await d.Client.StopAsync("svc");
        Assert.Equal("v1\nv2\n", File.ReadAllText(marker));
    }
}
