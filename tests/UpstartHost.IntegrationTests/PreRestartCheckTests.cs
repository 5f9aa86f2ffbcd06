using UpstartPS.Protocol;

namespace UpstartHost.IntegrationTests;

/// <summary>Test then restart with real processes: a pre-restart script that fails keeps the old process.</summary>
[Collection(RealDaemonTests.Name)]
public class PreRestartCheckTests
{
    /// <summary>A service whose check fails, with two lines of output, while the file `bad` exists in the fixture's root.</summary>
    private static async Task<DaemonFixture> StartAsync()
    {
        var d = DaemonFixture.Create();
        var bad = Path.Combine(d.Root, "bad");
        d.WriteJob("svc", $"""
            exec /bin/sleep 1000
            pre-restart script
              echo checking config
              if [ -e '{bad}' ]; then echo "line 12: unknown directive lisen" >&2; exit 3; fi
              echo "config ok for $UPSTART_JOB"
            end script
            """ + "\n");
        d.WriteJob("alert", "start on restart-refused JOB=svc\ntask\nexec echo refused $REQUEST $RESULT $EXIT_STATUS\n");
        await d.StartAsync();
        return d;
    }

    private static async Task<int> MainPidAsync(DaemonFixture d) =>
        (await d.Client.StatusAsync("svc")).Single().Processes.Single(p => p.Kind == "main").Pid;

    [Fact]
    public async Task A_failing_check_keeps_the_old_process_and_upstartctl_prints_its_lines_then_a_passing_one_restarts()
    {
        await using var d = await StartAsync();
        await d.Client.StartAsync("svc");
        var old = await MainPidAsync(d);
        File.WriteAllText(Path.Combine(d.Root, "bad"), "");

        var refused = await d.RunCtlAsync(["restart", "svc"]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(
            "upstartctl: Job not restarted: svc pre-restart check terminated with status 3\n" +
            "  checking config\n" +
            "  line 12: unknown directive lisen\n",
            refused.Stderr);
        Assert.Equal("", refused.Stdout);
        Assert.Equal(old, await MainPidAsync(d));
        Assert.True(Directory.Exists($"/proc/{old}"), "the old main process is still running");
        Assert.Contains("line 12: unknown directive lisen", d.ReadLog("svc"), StringComparison.Ordinal);
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(d.ReadLog("alert").Contains("refused restart failed 3", StringComparison.Ordinal)),
            "the restart-refused event to start the alert job");

        File.Delete(Path.Combine(d.Root, "bad"));
        var restarted = await d.RunCtlAsync(["restart", "svc"]);

        Assert.Equal((0, ""), (restarted.ExitCode, restarted.Stderr));
        Assert.Matches(@"^svc start/running, process \d+\n$", restarted.Stdout);
        Assert.NotEqual(old, await MainPidAsync(d));
        Assert.Contains("config ok for svc", d.ReadLog("svc"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_check_refuses_a_reload_with_its_status_and_lines_through_the_client()
    {
        await using var d = await StartAsync();
        await d.Client.StartAsync("svc");
        var old = await MainPidAsync(d);
        File.WriteAllText(Path.Combine(d.Root, "bad"), "");

        var e = await Assert.ThrowsAsync<UpstartException>(() => d.Client.ReloadAsync("svc"));

        Assert.Equal(UpstartErrorCode.CheckFailed, e.Code);
        var check = e.CheckFailure!;
        Assert.Equal(("svc", "failed", (int?)3, (string?)null), (check.Job, check.Result, check.ExitStatus, check.ExitSignal));
        Assert.Equal(["checking config", "line 12: unknown directive lisen"], check.Output);
        Assert.Equal(old, await MainPidAsync(d));
    }
}
