using System.Net.Sockets;
using System.Text;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// The real daemon (its own process: NOTIFY_SOCKET and WATCHDOG_USEC are read once, at start) under a fake
/// systemd: a datagram socket this test owns. READY=1 only after the jobs are loaded and the control socket
/// answers, STATUS= with job counts, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class SystemdNotifyTests
{
    [Fact]
    public async Task The_daemon_reports_ready_status_watchdog_and_stopping()
    {
        var (d, systemd) = UnderAServiceManager();
        using var manager = systemd;
        await using (d)
        {
            d.WriteJob("idle", "exec /bin/sleep 1000\n");
            d.Environment["WATCHDOG_USEC"] = "2000000";
            await d.StartAsync();

            // Datagrams keep their order: the counts (jobs loaded, socket listening) come before READY=1.
            var beforeReady = await ReceiveUntilAsync(systemd, m => m.Contains("READY=1", StringComparison.Ordinal));
            Assert.Contains(beforeReady, m => System.Text.RegularExpressions.Regex.IsMatch(m, @"^STATUS=\d+ jobs? running \(2 loaded\)$"));

            // The job must not inherit systemd's socket or watchdog.
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("svc")).Single().State == "running", "svc");
            var pid = (await d.Client.StatusAsync("svc")).Single().Processes.Single().Pid;
            var environ = await File.ReadAllTextAsync($"/proc/{pid}/environ");
            Assert.DoesNotContain("NOTIFY_SOCKET=", environ, StringComparison.Ordinal);
            Assert.DoesNotContain("WATCHDOG_USEC=", environ, StringComparison.Ordinal);

            await d.Client.StartAsync("idle", [], wait: true);
            await ReceiveUntilAsync(systemd, m => m == "STATUS=2 jobs running (2 loaded)");

            // Pings every second while the engine answers (each answer may take up to a second on a loaded
            // machine before the pings stop for good): three more arrive well within the bound.
            var pings = 0;
            await ReceiveUntilAsync(systemd, m => m == "WATCHDOG=1" && ++pings == 3);

            Assert.Equal(0, await d.StopAsync());
            var stopping = await ReceiveUntilAsync(systemd, m => m.StartsWith("STOPPING=1", StringComparison.Ordinal));
            Assert.DoesNotContain(stopping, m => m.Contains("READY=1", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_service_manager_that_goes_away_does_not_fail_the_daemon()
    {
        var d = DaemonFixture.Create();
        var notifyPath = Path.Combine(d.Root, "notify.sock");
        await using (d)
        {
            using (var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
            {
                systemd.Bind(new UnixDomainSocketEndPoint(notifyPath));
                d.WriteJob("svc", "start on startup\nexec /bin/sleep 1000\n");
                d.Environment["NOTIFY_SOCKET"] = notifyPath;
                await d.StartAsync();
                await ReceiveUntilAsync(systemd, m => m.Contains("READY=1", StringComparison.Ordinal));
            }

            // The manager is gone: its socket closed and its name removed, as when podman --sdnotify exits.
            File.Delete(notifyPath);

            // The daemon still serves (a job change makes it send STATUS=), and its stop, which sends
            // STOPPING=1 into nothing, is still a clean exit.
            await d.Client.StopAsync("svc", [], wait: true);
            Assert.Equal("stop/waiting", string.Join('/', (await d.Client.StatusAsync("svc")).Select(s => s.Goal + "/" + s.State)));
            Assert.Equal(0, await d.StopAsync());
            Assert.Contains("notify socket did not take a message", d.DaemonOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("An error occurred stopping the application", d.DaemonOutput, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Under_a_service_manager_SIGINT_and_SIGQUIT_stop_every_job_and_exit_0_as_SIGTERM_does(int signal)
    {
        var (d, systemd) = UnderAServiceManager();
        using var manager = systemd;
        await using (d)
        {
            await d.StartAsync();
            await ReceiveUntilAsync(systemd, m => m.Contains("READY=1", StringComparison.Ordinal));
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("svc")).Single().State == "running", "svc");

            Assert.Equal(0, await d.StopAsync(signal: signal));
            Assert.Empty(d.JobProcesses());
            await ReceiveUntilAsync(systemd, m => m.StartsWith("STOPPING=1", StringComparison.Ordinal));
        }
    }

    /// <summary>Every datagram up to and including the first that matches (bounded).</summary>
    /// <summary>
    /// A daemon not yet started whose NOTIFY_SOCKET is bound by the returned socket (the test plays systemd), with
    /// `svc` started at boot.
    /// </summary>
    private static (DaemonFixture Daemon, Socket Systemd) UnderAServiceManager()
    {
        var d = DaemonFixture.Create();
        var notifyPath = Path.Combine(d.Root, "notify.sock");
        var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(notifyPath));
        d.WriteJob("svc", "start on startup\nexec /bin/sleep 1000\n");
        d.Environment["NOTIFY_SOCKET"] = notifyPath;
        return (d, systemd);
    }

    private static async Task<List<string>> ReceiveUntilAsync(Socket socket, Func<string, bool> wanted)
    {
        var buffer = new byte[4096];
        var seen = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            seen.Add(text);
            if (wanted(text))
            {
                return seen;
            }
        }
    }
}
