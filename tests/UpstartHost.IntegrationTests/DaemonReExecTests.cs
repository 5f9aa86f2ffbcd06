using System.Globalization;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// `upstartctl re-exec`: the daemon replaces its program in place; every job keeps its pid and stays its
/// child, nothing starts twice, and no `console log` line is lost (docs/daemon.md).
/// </summary>
[Collection(RealDaemonTests.Name)]
public class DaemonReExecTests
{
    private const string Service = "start on startup\nconsole none\nrespawn\nexec /bin/sleep 1000\n";
    private const string Forking = "start on startup\nconsole none\nexpect fork\nexec /bin/sh -c '/bin/sleep 1000 &'\n";

    // Writes 1, 2, 3… every 2 ms into its console log: a gap would show a lost line.
    private const string Counter = "start on startup\nconsole log\nexec /bin/sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.002; done'\n";

    private static async Task<JobInfo> StatusOf(DaemonFixture d, string job) => (await d.Client.StatusAsync(job)).Single();

    private static int MainPid(JobInfo job) => job.Processes.Single(p => p.Kind == "main").Pid;

    private static List<int> Numbers(string log) =>
        [.. log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0)
            .Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    /// <summary>The job's processes that no other process of the job started: one per running copy (the counter's sleeps are its children).</summary>
    private static List<int> Copies(DaemonFixture d, string job)
    {
        var all = d.ProcessesOfJob(job);

        // A process that ended since the list was read (the counter's sleeps end every few ms) is no copy.
        return [.. all.Where(pid => ParentOf(pid) is { } parent && !all.Contains(parent))];
    }

    /// <summary>The parent's pid; null when the process has ended.</summary>
    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task ReExec(DaemonFixture d)
    {
        var result = await d.RunCtlAsync(["re-exec"]);
        Assert.True(result.ExitCode == 0, result.Stderr + d.DaemonOutput);
        await d.ReconnectAsync();
    }

    [Fact]
    public async Task Re_exec_keeps_every_pid_starts_nothing_twice_and_loses_no_log_line()
    {
        await using var d = DaemonFixture.Create();
        var ranFile = Path.Combine(d.Root, "task-ran");
        d.WriteJob("svc", Service);
        d.WriteJob("forker", Forking);
        d.WriteJob("counter", Counter);
        d.WriteJob("once", $"start on startup\ntask\nconsole none\nexec /bin/sh -c 'echo ran >> {ranFile}'\n");
        await d.StartAsync();
        var daemonPid = d.DaemonPid;
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.ListAsync()).Count(j => j.State == "running") == 3 && File.Exists(ranFile),
            "three services and the boot task");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Numbers(d.ReadLog("counter")).Count >= 20), "the counter to write");
        var pids = new Dictionary<string, int>();
        var since = new Dictionary<string, DateTimeOffset?>();
        foreach (var job in new[] { "svc", "forker", "counter" })
        {
            var status = await StatusOf(d, job);
            (pids[job], since[job]) = (MainPid(status), status.Since);
            Assert.NotNull(status.Since);
        }

        var before = new[] { "svc", "forker", "counter" }.SelectMany(job => Copies(d, job)).Order().ToList();

        await ReExec(d);

        Assert.Equal(daemonPid, d.DaemonPid);
        foreach (var (job, pid) in pids)
        {
            var now = await StatusOf(d, job);
            Assert.Equal((job, "running", pid, since[job]), (job, now.State, MainPid(now), now.Since));
            Assert.Equal([pid], Copies(d, job));
        }

        Assert.Equal(before, new[] { "svc", "forker", "counter" }.SelectMany(job => Copies(d, job)).Order().ToList());
        Assert.Equal("ran\n", await File.ReadAllTextAsync(ranFile));
        Assert.Contains("Re-executed", d.DaemonOutput, StringComparison.Ordinal);
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(DaemonFixture.ZombieChildren(d.DaemonPid) == 0), "no zombie left unreaped after the exec");

        // The counter went on writing through the exec: once it is stopped, its log holds 1..N without a gap.
        var atReExec = Numbers(d.ReadLog("counter")).Count;
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Numbers(d.ReadLog("counter")).Count > atReExec + 20), "the counter to go on");
        await d.Client.StopAsync("counter");
        var numbers = Numbers(d.ReadLog("counter"));
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);

        // The kept children are still supervised with their real exit status: a killed service respawns.
        DaemonFixture.SendSignal(pids["svc"], 9);
        await DaemonFixture.WaitUntilAsync(
            async () => await StatusOf(d, "svc") is { State: "running" } s && MainPid(s) != pids["svc"],
            "svc respawned");
        Assert.Contains("killed by KILL signal", d.DaemonOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_sent_while_the_daemon_re_executes_wait_for_it_and_none_fails()
    {
        // Before the listening socket was kept across the exec, about one `upstartctl status` in twenty in a loop
        // around a re-exec failed: "connection refused (the socket may be stale)", "closed the connection".
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        var socketBefore = Inode(d.SocketPath);
        var failures = new List<string>();
        var answered = new int[4];
        using var reExecDone = new CancellationTokenSource();

        // As monitoring loops of `upstartctl status` would (the same client, in this process): a new connection and
        // one status each time. On threads of their own: blocking loops on pool threads wait for the pool to grow.
        var askers = answered.Select((_, i) => Task.Factory.StartNew(
            () =>
            {
                while (!reExecDone.IsCancellationRequested)
                {
                    try
                    {
                        using var client = BlockingUpstartClient.Connect(new UpstartClientOptions { SocketPath = d.SocketPath });
                        Assert.Equal("running", client.Status("svc").Single().State);
                        Interlocked.Increment(ref answered[i]);
                    }
                    catch (UpstartException e)
                    {
                        lock (failures)
                        {
                            failures.Add(e.Message);
                        }
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToList();

        // Every loop is asking before the re-exec begins, and goes on until it is done.
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, answered.Length).All(i => Volatile.Read(ref answered[i]) > 0)), "every loop to be asking");
        var before = answered.Sum();
        var result = await d.RunCtlAsync(["re-exec"]);
        await reExecDone.CancelAsync();
        await Task.WhenAll(askers);

        Assert.True(result.ExitCode == 0, result.Stderr + d.DaemonOutput);
        Assert.Empty(failures);
        Assert.True(answered.Sum() > before, "no status answered while the re-exec ran");

        // The new program took the old one's socket rather than making its own: the same file, and no complaint.
        Assert.Equal(socketBefore, Inode(d.SocketPath));
        Assert.DoesNotContain("was not taken", d.DaemonOutput, StringComparison.Ordinal);
        await d.ReconnectAsync();
        Assert.Equal("running", (await StatusOf(d, "svc")).State);
    }

    /// <summary>The inode of a file, as stat(1) gives it.</summary>
    private static string Inode(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        var inode = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return inode;
    }

    [Fact]
    public async Task A_pre_start_kept_across_re_exec_fails_the_job_with_its_real_exit_status()
    {
        await using var d = DaemonFixture.Create();
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("slow", $"start on startup\nconsole none\npre-start script\n  while [ ! -e {gate} ]; do sleep 0.02; done\n  exit 3\nend script\nexec /bin/sleep 1000\n");
        await d.StartAsync();
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d, "slow")).State == "pre-start", "pre-start running");
        var preStart = (await StatusOf(d, "slow")).Processes.Single(p => p.Kind == "pre-start").Pid;

        await ReExec(d);
        Assert.Equal(preStart, (await StatusOf(d, "slow")).Processes.Single(p => p.Kind == "pre-start").Pid);

        // After a crash the status would be unknown (taken as 0, and main would start); our own child's is 3.
        await File.WriteAllTextAsync(gate, "");
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d, "slow")).State == "waiting", "the job to fail");
        Assert.Contains("pre-start process", d.DaemonOutput, StringComparison.Ordinal);
        Assert.Contains("terminated with status 3", d.DaemonOutput, StringComparison.Ordinal);
        Assert.Empty(d.ProcessesOfJob("slow"));
    }
}
