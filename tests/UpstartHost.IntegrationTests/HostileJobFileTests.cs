using System.Diagnostics;

namespace UpstartHost.IntegrationTests;

/// <summary>One hostile job file costs only itself: the daemon, its other jobs and its restarts go on.</summary>
[Collection(RealDaemonTests.Name)]
public class HostileJobFileTests
{
    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("${A:-", depth)) + "x" + new string('}', depth);

    [Fact]
    public async Task A_file_nesting_forty_thousand_deep_is_reported_and_the_daemon_and_other_jobs_carry_on()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("good", "start on startup\nexec /bin/sleep 1000\n");
            d.WriteJob("deep-start", $"start on e V={Nested(40_000)}\nexec /bin/true\n");
            d.WriteJob("deep-instance", $"instance {Nested(40_000)}\nexec /bin/true\n");
            await d.StartAsync();
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("good")).Single().State == "running", "the good job to run");

            var kinds = (await d.Client.GetDiagnosticsAsync()).Select(x => (Path.GetFileName(x.Path), x.Kind)).Order().ToList();
            Assert.Equal([("deep-instance.conf", "expansion-too-deep"), ("deep-start.conf", "expansion-too-deep")], kinds);

            // Written while running (a reload), and again across a restart: still only a diagnostic.
            d.WriteJob("deep-stop", $"stop on e V={Nested(40_000)}\nexec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.GetDiagnosticsAsync()).Count == 3, "the reload to report the third file");
            await d.RestartAsync();
            Assert.Equal(3, (await d.Client.GetDiagnosticsAsync()).Count);

            var check = await RunCheckAsync(d.ConfDir);
            Assert.Equal(1, check.ExitCode);
            Assert.Contains("deep-start.conf:1:", check.Stdout, StringComparison.Ordinal);
            Assert.Contains("expansion-too-deep: Variable expansion nested too deeply", check.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("deep-start.conf: syntax ok", check.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_fifo_present_at_start_is_refused_and_the_daemon_listens_and_stops_on_sigterm()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("good", "start on startup\nexec /bin/sleep 1000\n");
            await RunAsync("mkfifo", Path.Combine(d.ConfDir, "pipe.conf"));
            await d.StartAsync();

            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("good")).Single().State == "running", "the good job to run");
            Assert.Equal("not-a-regular-file", Assert.Single(await d.Client.GetDiagnosticsAsync()).Kind);
            Assert.Equal(0, await d.StopAsync());
        }
    }

    [Fact]
    public async Task A_fifo_or_device_created_later_never_holds_up_requests()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("good", "exec /bin/sleep 1000\n");
            await d.StartAsync();
            await RunAsync("mkfifo", Path.Combine(d.ConfDir, "pipe.conf"));
            await RunAsync("mknod", Path.Combine(d.ConfDir, "zero.conf"), "c", "1", "5");
            await RunAsync("mkfifo", Path.Combine(d.ConfDir, "good.override"));

            var reload = await d.RunCtlAsync(["reload-configuration"], timeout: TimeSpan.FromSeconds(20));
            Assert.Equal(0, reload.ExitCode);
            var start = await d.RunCtlAsync(["start", "good"], timeout: TimeSpan.FromSeconds(20));
            Assert.Equal(0, start.ExitCode);
            var show = await d.RunCtlAsync(["show-config", "good"], timeout: TimeSpan.FromSeconds(20));
            Assert.Equal(0, show.ExitCode);
            var stop = await d.RunCtlAsync(["stop", "good"], timeout: TimeSpan.FromSeconds(20));
            Assert.Equal(0, stop.ExitCode);
            Assert.Equal(3, (await d.Client.GetDiagnosticsAsync()).Count(x => x.Kind == "not-a-regular-file"));
        }
    }

    [Fact]
    public async Task A_system_daemon_refuses_a_job_file_another_user_owns_or_others_may_write()
    {
        var d = DaemonFixture.Create(systemMode: true);
        await using (d)
        {
            d.WriteJob("root", "start on startup\nexec /bin/sleep 1000\n");
            d.WriteJob("theirs", "start on startup\nexec /bin/sleep 1000\n");
            d.WriteJob("open", "start on startup\nexec /bin/sleep 1000\n");
            await RunAsync("chown", "65534", Path.Combine(d.ConfDir, "theirs.conf"));
            await RunAsync("chmod", "666", Path.Combine(d.ConfDir, "open.conf"));
            await d.StartAsync();

            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("root")).Single().State == "running", "the root-owned job to run");
            Assert.Equal(["root"], (await d.Client.ListAsync()).Select(j => j.Name));
            var refused = (await d.Client.GetDiagnosticsAsync()).Select(x => (Path.GetFileName(x.Path), x.Kind)).Order().ToList();
            Assert.Equal([("open.conf", "unsafe-ownership"), ("theirs.conf", "unsafe-ownership")], refused);
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
    }

    private static async Task<CtlResult> RunCheckAsync(string path)
    {
        var info = new ProcessStartInfo(DaemonFixture.DaemonPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new CtlResult(process.ExitCode, await stdout, await stderr);
    }
}
