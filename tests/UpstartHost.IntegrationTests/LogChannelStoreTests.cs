using System.Globalization;
using UpstartHost.Logging;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// `console log` channels through a daemon crash (docs/daemon.md, "Restarting the daemon"): under a
/// service manager with a file-descriptor store (this test plays systemd: it owns NOTIFY_SOCKET and
/// starts the next daemon with the stored descriptors as LISTEN_FDS) the job writes on while no daemon
/// runs and the next one logs every line; without a store the job's writes fail and it dies.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class LogChannelStoreTests
{
    private static string LauncherPath => Path.Combine(AppContext.BaseDirectory, "listen-fds.pl");

    /// <summary>
    /// Writes 1, 2, 3… into its console log and, after each, the number into PROGRESS; dies (3) at the
    /// first failed write. While PAUSE exists it writes nothing and says in PAUSED how far it got, so the
    /// test can kill the daemon when no output is on its way into the log.
    /// </summary>
    private static string Counter(string dir) =>
        "start on startup\nconsole log\nscript\n"
        + $"  i=1\n  while :; do\n"
        + $"    if [ -e {dir}/PAUSE ]; then echo $((i-1)) > {dir}/PAUSED.tmp; mv {dir}/PAUSED.tmp {dir}/PAUSED; while [ -e {dir}/PAUSE ]; do sleep 0.005; done; fi\n"
        + "    echo $i || exit 3\n"
        + $"    echo $i > {dir}/PROGRESS.tmp; mv {dir}/PROGRESS.tmp {dir}/PROGRESS\n"
        + "    i=$((i+1))\n    sleep 0.005\n  done\nend script\n";

    private static async Task<JobInfo> StatusOf(DaemonFixture d, string job) => (await d.Client.StatusAsync(job)).Single();

    private static int MainPid(JobInfo job) => job.Processes.Single(p => p.Kind == "main").Pid;

    private static List<int> Numbers(string log) =>
        [.. log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    private static int ReadNumber(string path) =>
        File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>Pauses the counter and waits until the daemon has logged everything it wrote.</summary>
    private static async Task<int> PauseAndDrain(DaemonFixture d)
    {
        await File.WriteAllTextAsync(Path.Combine(d.Root, "PAUSE"), "");
        var paused = Path.Combine(d.Root, "PAUSED");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(File.Exists(paused)), "the counter to pause");
        var last = ReadNumber(paused);
        Assert.True(last > 0);
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Numbers(d.ReadLog("counter")).LastOrDefault() == last), "the log to reach " + last);
        return last;
    }

    /// <summary>Running, not a zombie waiting for whoever inherited it to reap it.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Resume(DaemonFixture d) => File.Delete(Path.Combine(d.Root, "PAUSE"));

    private static Task WaitForProgress(DaemonFixture d, int beyond, string what) =>
        DaemonFixture.WaitUntilAsync(() => Task.FromResult(ReadNumber(Path.Combine(d.Root, "PROGRESS")) > beyond), what);

    [Fact]
    public async Task A_console_log_job_writes_on_through_a_daemon_crash_and_the_next_daemon_logs_every_line()
    {
        await using var d = DaemonFixture.Create();
        using var systemd = new FakeFdStore(Path.Combine(d.Root, "notify"));
        d.WriteJob("counter", Counter(d.Root));
        d.Environment["NOTIFY_SOCKET"] = systemd.Path;
        d.Environment["FDSTORE"] = "16";
        await d.StartAsync();
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d, "counter")).State == "running", "counter running");
        var pid = MainPid(await StatusOf(d, "counter"));
        var key = LogChannelName.Key("counter", "");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(systemd.Entries.Any(e => LogChannelName.KeyOf(e.Name) == key)), "the channel in the store");
        var stored = Assert.Single(systemd.Entries);
        await WaitForProgress(d, 20, "the counter to write");

        var atCrash = await PauseAndDrain(d);
        await d.KillDaemonAsync();
        Resume(d);

        // No daemon reads the pty now; the store's copy of the master keeps the job's writes from failing.
        await WaitForProgress(d, atCrash + 50, "the counter to write on without a daemon");
        Assert.True(IsAlive(pid), "the counter died with the daemon");

        d.PassFds = [stored.Fd];
        d.LaunchPrefix = ["/usr/bin/perl", LauncherPath, stored.Fd.ToString(CultureInfo.InvariantCulture), "--"];
        d.Environment["LISTEN_FDNAMES"] = stored.Name;
        await d.StartAsync();
        var resumed = await StatusOf(d, "counter");
        Assert.Equal(("running", pid), (resumed.State, MainPid(resumed)));
        Assert.Contains("1 console log channels read on", d.DaemonOutput, StringComparison.Ordinal);

        var adopted = ReadNumber(Path.Combine(d.Root, "PROGRESS"));
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Numbers(d.ReadLog("counter")).LastOrDefault() > adopted + 20), "the next daemon to log on");
        Assert.Equal([stored.Name], systemd.Entries.Select(e => e.Name));

        // A re-exec of the adopting daemon keeps the channel under its name, and does not take fd 3 as
        // LISTEN_FDS again (LISTEN_PID would still be its pid).
        var reExec = await d.RunCtlAsync(["re-exec"]);
        Assert.True(reExec.ExitCode == 0, reExec.Stderr + d.DaemonOutput);
        await d.ReconnectAsync();
        Assert.Equal(pid, MainPid(await StatusOf(d, "counter")));
        var reExecuted = ReadNumber(Path.Combine(d.Root, "PROGRESS"));
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Numbers(d.ReadLog("counter")).LastOrDefault() > reExecuted + 20), "the re-executed daemon to log on");
        Assert.Equal([stored.Name], systemd.Entries.Select(e => e.Name));
        Assert.Single(d.DaemonOutput.Split('\n'), l => l.Contains("console log channels read on", StringComparison.Ordinal));

        // Stopped, the job's output ends: the daemon drops the channel from the store, and the log holds 1..N.
        await d.Client.StopAsync("counter");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(systemd.Entries.Count == 0), "the channel to leave the store");
        var numbers = Numbers(d.ReadLog("counter"));
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
        Assert.True(numbers[^1] >= ReadNumber(Path.Combine(d.Root, "PROGRESS")), "a line written was not logged");
        Assert.Empty(d.ProcessesOfJob("counter"));
        Assert.Equal(0, DaemonFixture.ZombieChildren(d.DaemonPid));
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Without_a_store_a_console_log_job_loses_its_channel_with_the_daemon_and_dies_at_its_next_write()
    {
        await using var d = DaemonFixture.Create();
        d.WriteJob("counter", Counter(d.Root));
        await d.StartAsync();
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d, "counter")).State == "running", "counter running");
        var pid = MainPid(await StatusOf(d, "counter"));
        await WaitForProgress(d, 5, "the counter to write");

        await d.KillDaemonAsync();
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(!IsAlive(pid)), "the counter to die of EIO");

        // The next daemon finds it gone, and its exit leaves no job cgroup behind (left by every run before).
        await d.StartAsync();
        Assert.Equal("waiting", (await StatusOf(d, "counter")).State);
        Assert.Equal(0, await d.StopAsync());
        Assert.False(Directory.Exists(d.CgroupDirectory), "the daemon's job cgroups outlived it");
    }
}
