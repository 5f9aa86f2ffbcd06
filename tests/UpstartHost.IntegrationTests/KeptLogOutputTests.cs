using System.Diagnostics;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// The real daemon on a full log disk (a 64 KiB tmpfs mounted as its log directory): a job's output is kept while
/// it cannot be written, `upstartctl notify-disk-writeable` says how much, and once space is freed writes it all.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class KeptLogOutputTests
{
    [Fact]
    public async Task Output_of_a_job_that_ended_on_a_full_disk_reaches_its_log_at_notify_disk_writeable()
    {
        Assert.True(Environment.UserName == "root", "mounting a small tmpfs needs root (CI runs as root)");
        await using var d = DaemonFixture.Create();
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", d.LogDir));
        try
        {
            var filler = Path.Combine(d.LogDir, "filler");
            Assert.True(FullDisk.Fill(filler), "the tmpfs never filled up");
            d.WriteJob("talker", "task\nconsole log\nexec /bin/sh -c 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo \"line $i\"; done'\n");
            await d.StartAsync();

            await d.Client.StartAsync("talker");
            string warning = "";
            await DaemonFixture.WaitUntilAsync(
                async () =>
                {
                    var kept = await d.RunCtlAsync(["notify-disk-writeable"]);
                    Assert.Equal((0, ""), (kept.ExitCode, kept.Stdout));
                    warning = kept.Stderr;
                    return warning.Contains("bytes of job output still cannot be written", StringComparison.Ordinal);
                },
                "the daemon to say it keeps the job's output");
            Assert.DoesNotContain("line 300", d.ReadLog("talker"), StringComparison.Ordinal);

            File.Delete(filler);
            var flushed = await d.RunCtlAsync(["notify-disk-writeable"]);

            Assert.Equal((0, "", ""), (flushed.ExitCode, flushed.Stdout, flushed.Stderr));
            Assert.Equal(string.Concat(Enumerable.Range(1, 300).Select(i => $"line {i}\n")), d.ReadLog("talker"));
            Assert.Contains("kept in memory", d.DaemonOutput, StringComparison.Ordinal);
            await d.StopAsync();
        }
        finally
        {
            await RunAsync("umount", "-l", d.LogDir);
        }
    }

    private static async Task<int> RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return process.ExitCode;
    }
}
