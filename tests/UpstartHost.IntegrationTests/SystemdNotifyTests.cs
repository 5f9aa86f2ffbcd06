using System.Net.Sockets;
using System.Text;

namespace UpstartHost.IntegrationTests;

/// <summary>The real daemon under a fake systemd: READY=1 with job counts once loaded, STOPPING=1 on SIGTERM.</summary>
[Collection(RealDaemonTests.Name)]
public class SystemdNotifyTests
{
    [Fact]
    public async Task The_daemon_reports_ready_with_job_counts_and_stopping()
    {
        var d = DaemonFixture.Create();
        var notifyPath = Path.Combine(d.Root, "notify.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(notifyPath));
        await using (d)
        {
            d.WriteJob("svc", "start on startup\nexec /bin/sleep 1000\n");
            d.WriteJob("idle", "exec /bin/sleep 1000\n");
            d.Environment["NOTIFY_SOCKET"] = notifyPath;
            await d.StartAsync();

            var ready = await ReceiveUntilAsync(systemd, "READY=1");
            Assert.Matches(@"STATUS=\d+ jobs? running \(2 loaded\)", ready);

            // The job must not inherit systemd's socket.
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("svc")).Single().State == "running", "svc");
            var pid = (await d.Client.StatusAsync("svc")).Single().Processes.Single().Pid;
            Assert.DoesNotContain("NOTIFY_SOCKET=", await File.ReadAllTextAsync($"/proc/{pid}/environ"), StringComparison.Ordinal);

            Assert.Equal(0, await d.StopAsync());
            Assert.StartsWith("STOPPING=1", await ReceiveUntilAsync(systemd, "STOPPING=1"), StringComparison.Ordinal);
        }
    }

    private static async Task<string> ReceiveUntilAsync(Socket socket, string wanted)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            if (text.Contains(wanted, StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}
