using System.Text.Json.Nodes;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// kill -9 of the daemon, then a new one: the jobs the first left running are adopted (same pids, no
/// second copy), their exits are noticed through pidfds and respawn applies (docs/daemon.md, "Restarting
/// the daemon").
/// </summary>
[Collection(RealDaemonTests.Name)]
public class DaemonCrashAdoptionTests
{
    private const string Service = "start on startup\nconsole none\nrespawn\nexec /bin/sleep 1000\n";

    // sh forks the sleep and exits: the daemon follows the fork and supervises the sleep.
    private const string Forking = "start on startup\nconsole none\nexpect fork\nexec /bin/sh -c '/bin/sleep 1000 &'\n";

    private static async Task<JobInfo> StatusOf(DaemonFixture d, string job) => (await d.Client.StatusAsync(job)).Single();

    private static int MainPid(JobInfo job) => job.Processes.Single(p => p.Kind == "main").Pid;

    private static async Task WaitRunning(DaemonFixture d, params string[] jobs) =>
        await DaemonFixture.WaitUntilAsync(
            async () =>
            {
                foreach (var job in jobs)
                {
                    if ((await StatusOf(d, job)).State != "running")
                    {
                        return false;
                    }
                }

                return true;
            },
            string.Join(", ", jobs) + " running");

    [Fact]
    public async Task A_new_daemon_adopts_the_jobs_a_killed_one_left_and_starts_no_copies()
    {
        await using var d = DaemonFixture.Create();
        var ranFile = Path.Combine(d.Root, "task-ran");
        d.WriteJob("svc", Service);
        d.WriteJob("forker", Forking);
        d.WriteJob("once", $"start on startup\ntask\nconsole none\nexec /bin/sh -c 'echo ran >> {ranFile}'\n");
        await d.StartAsync();
        await WaitRunning(d, "svc", "forker");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(File.Exists(ranFile)), "the boot task");
        var svcPid = MainPid(await StatusOf(d, "svc"));
        var forkerPid = MainPid(await StatusOf(d, "forker"));
        var svcSince = (await StatusOf(d, "svc")).Since;
        var before = d.JobProcesses().Order().ToList();

        await d.KillDaemonAsync();
        await d.StartAsync();

        // Running since it started, not since the new daemon adopted it.
        Assert.NotNull(svcSince);
        Assert.Equal(svcSince, (await StatusOf(d, "svc")).Since);

        Assert.Equal(("running", svcPid), ((await StatusOf(d, "svc")).State, MainPid(await StatusOf(d, "svc"))));
        Assert.Equal(("running", forkerPid), ((await StatusOf(d, "forker")).State, MainPid(await StatusOf(d, "forker"))));
        Assert.Equal(before, d.JobProcesses().Order().ToList());
        Assert.Equal([svcPid], d.ProcessesOfJob("svc"));
        Assert.Equal([forkerPid], d.ProcessesOfJob("forker"));

        // A restart is not a boot: the task the boot events ran is not run again.
        Assert.Equal("ran\n", await File.ReadAllTextAsync(ranFile));
        Assert.Contains("processes adopted", d.DaemonOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_adopted_service_that_dies_is_noticed_and_respawned()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service), ("forker", Forking));
        await WaitRunning(d, "svc", "forker");
        var svcPid = MainPid(await StatusOf(d, "svc"));
        var forkerPid = MainPid(await StatusOf(d, "forker"));
        await d.KillDaemonAsync();
        await d.StartAsync();

        DaemonFixture.SendSignal(svcPid, 9);
        await DaemonFixture.WaitUntilAsync(
            async () => await StatusOf(d, "svc") is { State: "running" } s && MainPid(s) != svcPid,
            "svc respawned by the new daemon");
        Assert.Single(d.ProcessesOfJob("svc"));

        // The expect fork job was not respawned (no respawn stanza): its end is an ordinary stop.
        DaemonFixture.SendSignal(forkerPid, 15);
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d, "forker")).State == "waiting", "forker stopped");
        Assert.Empty(d.ProcessesOfJob("forker"));
    }

    [Fact]
    public async Task A_job_killed_mid_pre_start_carries_on_to_running_with_its_adopted_pre_start()
    {
        await using var d = DaemonFixture.Create();
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("slow", $"start on startup\nconsole none\npre-start script\n  while [ ! -e {gate} ]; do sleep 0.02; done\nend script\nexec /bin/sleep 1000\n");
        await d.StartAsync();
        await DaemonFixture.WaitUntilAsync(async () => (await StatusOf(d, "slow")).State == "pre-start", "pre-start running");
        var preStart = (await StatusOf(d, "slow")).Processes.Single(p => p.Kind == "pre-start").Pid;

        await d.KillDaemonAsync();
        await d.StartAsync();
        var resumed = await StatusOf(d, "slow");
        Assert.Equal(("start", "pre-start", preStart), (resumed.Goal, resumed.State, resumed.Processes.Single(p => p.Kind == "pre-start").Pid));

        await File.WriteAllTextAsync(gate, "");
        await WaitRunning(d, "slow");
        Assert.Single(d.ProcessesOfJob("slow"));
    }

    [Fact]
    public async Task A_recorded_pid_whose_start_time_differs_is_never_adopted()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        await WaitRunning(d, "svc");
        var svcPid = MainPid(await StatusOf(d, "svc"));
        await d.KillDaemonAsync();

        // The same pid with another start time is another process (a reused pid): the new daemon must
        // neither adopt nor signal it, and treats the job's process as gone (respawn starts a new one).
        var path = Path.Combine(d.StateDir, "instances.json");
        var state = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        var process = state["instances"]!.AsArray().Single(i => (string?)i!["job"] == "svc")!["processes"]![0]!;
        process["startTime"] = (ulong)process["startTime"]! + 1;
        await File.WriteAllTextAsync(path, state.ToJsonString());

        await d.StartAsync();
        await DaemonFixture.WaitUntilAsync(
            async () => await StatusOf(d, "svc") is { State: "running" } s && MainPid(s) != svcPid,
            "svc started afresh");
        Assert.True(Directory.Exists($"/proc/{svcPid}"), "the unadopted process was left alone");
        Assert.Equal(2, d.ProcessesOfJob("svc").Count);

        // Nobody supervises it, so the test ends it, and waits: kill() returns before the process is gone,
        // and the fixture counts whatever is still there as left behind.
        DaemonFixture.SendSignal(svcPid, 9);
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(!d.ProcessesOfJob("svc").Contains(svcPid)), "the unadopted process to end");
    }

    [Fact]
    public async Task A_longer_temporary_file_in_the_state_directory_does_not_spoil_the_record()
    {
        // The record is written beside the file and renamed over it. A temporary file already there (a
        // daemon killed between the two) must be replaced, not overwritten in part, or the next daemon reads
        // the old tail after the new JSON and adopts nothing. The shipped build opens files without .NET's
        // lock-then-truncate (UpstartHost.csproj), so this checks that it still truncates.
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service), ("other", Service));
        await WaitRunning(d, "svc", "other");
        var svcPid = MainPid(await StatusOf(d, "svc"));
        var otherPid = MainPid(await StatusOf(d, "other"));
        var path = Path.Combine(d.StateDir, "instances.json");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(Records(path, svcPid) && Records(path, otherPid)), "both processes recorded");

        await File.WriteAllTextAsync(path + ".tmp", new string('x', 1 << 20));
        await d.Client.StopAsync("other");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(!Records(path, otherPid)), "the record without other");

        Assert.NotNull(JsonNode.Parse(await File.ReadAllTextAsync(path)));
        await d.KillDaemonAsync();
        await d.StartAsync();
        Assert.Equal(("running", svcPid), ((await StatusOf(d, "svc")).State, MainPid(await StatusOf(d, "svc"))));
        Assert.Equal([svcPid], d.ProcessesOfJob("svc"));
    }

    private static bool Records(string path, int pid) =>
        File.Exists(path) && File.ReadAllText(path).Contains($"\"pid\":{pid},", StringComparison.Ordinal);

    [Fact]
    public async Task A_clean_stop_removes_the_record_so_the_next_daemon_boots_afresh()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", Service));
        await WaitRunning(d, "svc");
        var path = Path.Combine(d.StateDir, "instances.json");
        Assert.True(File.Exists(path));

        Assert.Equal(0, await d.StopAsync());
        Assert.False(File.Exists(path));
        Assert.Empty(d.JobProcesses());
    }
}
