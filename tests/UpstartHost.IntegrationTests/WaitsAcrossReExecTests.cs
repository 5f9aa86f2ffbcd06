namespace UpstartHost.IntegrationTests;

/// <summary>
/// A start or stop that waits for a slow job while the daemon re-executes: the old program answers it ReExecuted
/// with its `resume`, and upstartctl (BlockingUpstartClient) and UpstartClient wait for the rest with the next
/// program (await): they return as they would have, with no "Lost the connection".
/// </summary>
[Collection(RealDaemonTests.Name)]
public class WaitsAcrossReExecTests
{
    [Fact]
    public async Task A_start_waiting_on_a_slow_pre_start_through_a_re_exec_returns_the_job_running()
    {
        await using var d = DaemonFixture.Create();
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("slow", $"instance $N\nconsole none\npre-start exec /bin/sh -c 'i=0; while [ ! -e {gate} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'\nexec /bin/sleep 1000\n");
        await d.StartAsync();
        var started = d.RunCtlAsync(["start", "slow", "N=ctl"]);
        var held = d.Client.StartAsync("slow", ["N=module"], wait: true);
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.StatusAsync("slow")).Count(j => j.State == "pre-start") == 2,
            "both instances to be in pre-start");

        var reExec = await d.RunCtlAsync(["re-exec"]);
        Assert.True(reExec.ExitCode == 0, reExec.Stderr + d.DaemonOutput);
        await File.WriteAllTextAsync(gate, "");

        var ctl = await started.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(ctl.ExitCode == 0, ctl.Stderr);
        Assert.StartsWith("slow (ctl) start/running, process ", ctl.Stdout, StringComparison.Ordinal);
        var info = await held.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(("module", "running"), (info.Instance, info.State));
        Assert.Contains("Re-executing", d.DaemonOutput, StringComparison.Ordinal);

        // The re-exec did not wait for the slow job before handing the starts over (it once held every client up to
        // its 2 s bound, then said so).
        Assert.DoesNotContain("had not all been answered", d.DaemonOutput, StringComparison.Ordinal);
    }
}
