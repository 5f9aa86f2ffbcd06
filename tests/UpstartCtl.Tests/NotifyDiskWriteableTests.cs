namespace UpstartCtl.Tests;

/// <summary>initctl's notify-disk-writeable: asks the daemon to write the job output it kept; exit 0 as initctl's.</summary>
public sealed class NotifyDiskWriteableTests
{
    [Fact]
    public async Task It_asks_the_daemon_once_and_prints_nothing_when_everything_was_written()
    {
        await using var daemon = FakeDaemon.Start();

        var result = await daemon.RunAsync(["notify-disk-writeable"]);

        Assert.Equal((0, "", ""), result);
        Assert.Equal(["notify-disk-writeable"], daemon.Handler.Calls);
    }

    [Fact]
    public async Task Output_the_daemon_still_cannot_write_is_said_on_stderr_and_the_exit_is_still_0()
    {
        await using var daemon = FakeDaemon.Start();
        daemon.Handler.KeptBytes = 4096;

        var (exit, output, error) = await daemon.RunAsync(["notify-disk-writeable"]);

        Assert.Equal((0, ""), (exit, output));
        Assert.Equal(
            "initctl: 4096 bytes of job output still cannot be written to their logs; the daemon keeps them and tries again (its log says why)\n",
            error);
    }
}
