using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Logging;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;
using UpstartHost.Tests.Processes;

namespace UpstartHost.Tests.Logging;

/// <summary>
/// The `console log` channels sent to a service manager's file-descriptor store: the test owns the
/// NOTIFY_SOCKET and receives what systemd would (the datagram and its SCM_RIGHTS descriptor).
/// </summary>
public sealed class LogChannelStoreTests : IDisposable
{
    private const int Timeout = 10_000;
    private readonly string dir = Directory.CreateTempSubdirectory("ups-fdstore-").FullName;
    private readonly UnixDatagram systemd;

    public LogChannelStoreTests()
    {
        systemd = UnixDatagram.Bind(SocketPath);
    }

    private string SocketPath => Path.Combine(dir, "notify");

    public void Dispose()
    {
        systemd.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData(null, "4")]
    [InlineData("", "4")]
    [InlineData("relative/notify", "4")]
    [InlineData("/run/notify", null)]
    [InlineData("/run/notify", "0")]
    [InlineData("/run/notify", "-3")]
    [InlineData("/run/notify", "many")]
    public void There_is_no_store_without_a_manager_or_a_unit_that_allows_one(string? notifySocket, string? fdStore)
    {
        Assert.Null(LogChannelStore.Create(notifySocket, fdStore, NullLogger.Instance));
    }

    [Fact]
    public unsafe void A_kept_channel_arrives_with_its_descriptor_and_is_removed_by_name()
    {
        using var store = LogChannelStore.Create(SocketPath, "4", NullLogger.Instance)!;
        var pipe = stackalloc int[2];
        Assert.Equal(0, Libc.pipe2(pipe, Libc.O_CLOEXEC));
        try
        {
            var name = store.Keep(pipe[1], "web", "a:b")!;

            var (text, fds) = systemd.Receive(Timeout) ?? throw new TimeoutException();
            Assert.Equal("FDSTORE=1\nFDNAME=" + name + "\nFDPOLL=0", text);
            Assert.Equal(LogChannelName.Key("web", "a:b"), LogChannelName.KeyOf(name));
            var received = Assert.Single(fds);
            byte x = (byte)'x';
            Assert.Equal(1, Libc.write(received, &x, 1));
            Libc.close(received);
            byte y = 0;
            Assert.Equal(1, Libc.read(pipe[0], &y, 1));
            Assert.Equal((byte)'x', y);

            store.Forget(name);
            Assert.Equal(("FDSTOREREMOVE=1\nFDNAME=" + name, 0), Texts(systemd.Receive(Timeout)));
        }
        finally
        {
            Libc.close(pipe[0]);
            Libc.close(pipe[1]);
        }
    }

    [Fact]
    public void Every_channel_gets_its_own_name_and_a_full_store_takes_no_more()
    {
        using var store = LogChannelStore.Create(SocketPath, "2", NullLogger.Instance)!;
        store.Adopt("log.00-1.web.");

        var first = store.Keep(0, "web", "");
        var second = store.Keep(0, "web", "");
        Assert.NotNull(first);
        Assert.Null(second);
        CloseAll(systemd.Receive(Timeout));
        Assert.Null(systemd.Receive(0));

        store.Forget("log.00-1.web.");
        CloseAll(systemd.Receive(Timeout));
        var third = store.Keep(0, "web", "");
        Assert.NotNull(third);
        Assert.NotEqual(first, third);
        CloseAll(systemd.Receive(Timeout));
    }

    [Fact]
    public async Task A_real_console_log_channel_is_kept_while_its_process_runs_and_removed_when_its_output_ends()
    {
        using var store = LogChannelStore.Create(SocketPath, "16", NullLogger.Instance)!;
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, null, null, null, store);
        var log = LogFileName.For(dir, "echoer", "");
        var gate = Path.Combine(dir, "gate");
        var request = SpawnRequests.Script($"echo before\nwhile [ ! -e {gate} ]; do sleep 0.01; done\necho after\n", logPath: log) with { JobName = "echoer" };

        var pid = layer.Spawn(request).Pid;
        var (text, fds) = systemd.Receive(Timeout) ?? throw new TimeoutException();
        var name = text.Split('\n').Single(l => l.StartsWith("FDNAME=", StringComparison.Ordinal))["FDNAME=".Length..];
        Assert.Equal(LogChannelName.Key("echoer", ""), LogChannelName.KeyOf(name));
        var master = Assert.Single(fds);
        Assert.True(InheritedDescriptor.IsPtyMaster(master));
        Libc.close(master);

        await File.WriteAllTextAsync(gate, "");
        await notices.WaitFor<ProcessExited>(pid);
        await ProcessTree.AssertGone(pid);
        Assert.Equal(("FDSTOREREMOVE=1\nFDNAME=" + name, 0), Texts(systemd.Receive(Timeout)));
        Assert.Equal("before\nafter\n", await LogText.WaitForEnd(log, layer));
    }

    private static (string, int) Texts((string Text, int[] Fds)? message)
    {
        var (text, fds) = message ?? throw new TimeoutException();
        CloseAll(message);
        return (text, fds.Length);
    }

    private static void CloseAll((string Text, int[] Fds)? message)
    {
        foreach (var fd in message?.Fds ?? [])
        {
            Libc.close(fd);
        }
    }
}
