using System.Net.Sockets;
using System.Text;
using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"notify-{Guid.NewGuid():N}.sock");
    private readonly Socket systemd = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public SystemdNotifierTests() => systemd.Bind(new UnixDomainSocketEndPoint(path));

    public void Dispose()
    {
        systemd.Dispose();
        File.Delete(path);
    }

    private async Task<string> ReceiveAsync()
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var n = await systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Fact]
    public async Task Ready_sends_READY_and_the_job_counts()
    {
        using var notifier = new SystemdNotifier(path, null);
        Assert.True(notifier.IsEnabled);
        notifier.Ready(JobCountStatus.Format(12, 1, 20));
        Assert.Equal("READY=1\nSTATUS=12 jobs running, 1 failed (20 loaded)", await ReceiveAsync());
    }

    [Fact]
    public async Task Stopping_status_and_watchdog_are_separate_datagrams()
    {
        using var notifier = new SystemdNotifier(path, "4000000");
        Assert.Equal(TimeSpan.FromSeconds(4), notifier.WatchdogInterval);
        notifier.Status("1 job running");
        notifier.Watchdog();
        notifier.Stopping("stopping every job");
        Assert.Equal("STATUS=1 job running", await ReceiveAsync());
        Assert.Equal("WATCHDOG=1", await ReceiveAsync());
        Assert.Equal("STOPPING=1\nSTATUS=stopping every job", await ReceiveAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/path")]
    public void Outside_systemd_it_does_nothing(string? socket)
    {
        using var notifier = new SystemdNotifier(socket, "1000");
        Assert.False(notifier.IsEnabled);
        Assert.Null(notifier.WatchdogInterval);
        notifier.Ready("ignored");
        notifier.Watchdog();
    }

    [Fact]
    public void A_vanished_systemd_is_not_an_error()
    {
        using var notifier = new SystemdNotifier(path + ".gone", null);
        notifier.Ready("nobody listens");
        Assert.True(notifier.IsEnabled);
    }

    [Fact]
    public void Status_text_is_one_line()
    {
        Assert.Equal("1 job running (1 loaded)", JobCountStatus.Format(1, 0, 1));
        Assert.Equal("0 jobs running, 2 failed (5 loaded)", JobCountStatus.Format(0, 2, 5));
    }
}
