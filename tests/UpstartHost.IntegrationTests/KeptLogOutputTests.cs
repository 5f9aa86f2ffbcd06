using System.Diagnostics;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// The real daemon on a full log disk (a 64 KiB tmpfs mounted as its log directory): a job's output is kept while
/// it cannot be written, `upstartctl notify-disk-writeable` says how much, and once space is freed writes it all,
/// also after a re-exec (the state file carries what was kept to the next program).
/// </summary>
[Collection(RealDaemonTests.Name)]
public class KeptLogOutputTests
{
    private static readonly string Expected = string.Concat(Enumerable.Range(1, 300).Select(i => $"line {i}\n"));

    [Fact]
    public async Task Output_of_a_job_that_ended_on_a_full_disk_reaches_its_log_at_notify_disk_writeable()
    {
        await using var d = DaemonFixture.Create();
        await OnFullLogDiskAsync(d, async filler =>
        {
            File.Delete(filler);
            var flushed = await d.RunCtlAsync(["notify-disk-writeable"]);

            Assert.Equal((0, "", ""), (flushed.ExitCode, flushed.Stdout, flushed.Stderr));
            Assert.Equal(Expected, d.ReadLog("talker"));
            Assert.Contains("kept in memory", d.DaemonOutput, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Output_kept_when_the_daemon_re_executes_is_written_by_the_next_program()
    {
        await using var d = DaemonFixture.Create();
        await OnFullLogDiskAsync(d, async filler =>
        {
            var reExec = await d.RunCtlAsync(["re-exec"]);
            Assert.True(reExec.ExitCode == 0, reExec.Stderr + d.DaemonOutput);
            await d.ReconnectAsync();
            Assert.Contains("still cannot be written", (await d.RunCtlAsync(["notify-disk-writeable"])).Stderr, StringComparison.Ordinal);

            File.Delete(filler);
            var flushed = await d.RunCtlAsync(["notify-disk-writeable"]);

            Assert.Equal((0, ""), (flushed.ExitCode, flushed.Stderr));
            Assert.Equal(Expected, d.ReadLog("talker"));
            Assert.DoesNotContain("are lost", d.DaemonOutput, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// Mounts a full 64 KiB tmpfs as the log directory, runs a task that prints 300 lines, waits until the daemon
    /// says it keeps them, then runs <paramref name="then"/> with the filler file's path; unmounts after.
    /// </summary>
    private static async Task OnFullLogDiskAsync(DaemonFixture d, Func<string, Task> then)
    {
        Assert.True(Environment.UserName == "root", "mounting a small tmpfs needs root (CI runs as root)");
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", d.LogDir));
        try
        {
            var filler = Path.Combine(d.LogDir, "filler");
            Assert.True(FullDisk.Fill(filler), "the tmpfs never filled up");
            d.WriteJob("talker", "task\nconsole log\nexec /bin/sh -c 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo \"line $i\"; done'\n");
            await d.StartAsync();

            await d.Client.StartAsync("talker");
            await DaemonFixture.WaitUntilAsync(
                async () =>
                {
                    var kept = await d.RunCtlAsync(["notify-disk-writeable"]);
                    Assert.Equal((0, ""), (kept.ExitCode, kept.Stdout));
                    return kept.Stderr.Contains("bytes of job output still cannot be written", StringComparison.Ordinal);
                },
                "the daemon to say it keeps the job's output");
            Assert.DoesNotContain("line 300", d.ReadLog("talker"), StringComparison.Ordinal);

            await then(filler);
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
