using UpstartHost.Tests.Processes;

namespace UpstartHost.Tests.Supervision;

/// <summary>
/// Each stanza that shapes a process, written in a job file, checked in /proc of the running main process
/// the engine started (init(5): umask, nice, oom score, limit, chdir, chroot, setuid, setgid).
/// </summary>
[Collection(RunAlone.Name)]
public sealed class ProcessSettingsTests
{
    /// <summary>Starts a job with the stanzas, hands the running main pid to <paramref name="check"/>, then stops it.</summary>
    private static async Task WithRunningMain(string stanzas, Action<int> check, string exec = "exec sleep 1000")
    {
        await using var sv = await Supervisor.StartAsync(("shaped", stanzas + "\n" + exec + "\n"));
        await sv.StartJob("shaped");
        var main = await sv.MainPid("shaped");
        Assert.True(ProcScan.IsAlive(main));
        check(main);
        await sv.StopJob("shaped");
    }

    [Fact]
    public Task The_umask_stanza_sets_the_main_process_umask() =>
        WithRunningMain("umask 027", pid => Assert.Equal("0027", ProcScan.Status(pid, "Umask")));

    [Fact]
    public Task The_nice_stanza_sets_the_main_process_nice_value() =>
        WithRunningMain("nice 7", pid => Assert.Equal("7", StatField(pid, 19)));

    [Fact]
    public Task The_oom_score_stanza_sets_oom_score_adj() =>
        WithRunningMain("oom score 321", pid => Assert.Equal("321", ProcScan.ProcFile(pid, "oom_score_adj").Trim()));

    [Fact]
    public async Task Setting_a_job_s_oom_score_leaves_the_daemon_s_own_alone()
    {
        // The kernel applies an oom_score_adj write to every process sharing the writer's memory: the job's
        // must be written where it shares nothing with the daemon (the helper program, not the spawn library).
        var own = File.ReadAllText("/proc/self/oom_score_adj").Trim();
        Assert.NotEqual("321", own);

        await WithRunningMain("oom score 321", pid => Assert.Equal("321", ProcScan.ProcFile(pid, "oom_score_adj").Trim()));

        Assert.Equal(own, File.ReadAllText("/proc/self/oom_score_adj").Trim());
    }

    [Fact]
    public Task The_legacy_oom_stanza_is_scaled_to_an_oom_score() =>
        WithRunningMain("oom 10", pid => Assert.Equal("666", ProcScan.ProcFile(pid, "oom_score_adj").Trim()));

    [NegativeOomFact]
    public Task Oom_score_never_sets_the_lowest_adjustment() =>
        WithRunningMain("oom score never", pid => Assert.Equal("-1000", ProcScan.ProcFile(pid, "oom_score_adj").Trim()));

    [Fact]
    public Task The_limit_stanza_sets_soft_and_hard_limits() =>
        WithRunningMain("limit nofile 123 456\nlimit core unlimited unlimited", pid =>
        {
            var limits = ProcScan.ProcFile(pid, "limits").Split('\n');
            Assert.Matches(@"^Max open files\s+123\s+456\s", limits.Single(l => l.StartsWith("Max open files", StringComparison.Ordinal)));
            Assert.Matches(@"^Max core file size\s+unlimited\s+unlimited\s", limits.Single(l => l.StartsWith("Max core file size", StringComparison.Ordinal)));
        });

    [Fact]
    public async Task The_chdir_stanza_sets_the_working_directory()
    {
        var directory = Directory.CreateTempSubdirectory("upstartps-chdir-").FullName;
        try
        {
            await WithRunningMain($"chdir {directory}", pid => Assert.Equal(directory, new FileInfo($"/proc/{pid}/cwd").LinkTarget));
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public Task The_chroot_stanza_runs_the_main_process_inside_the_new_root()
    {
        // A directory holding only a statically linked /pause: nothing else could run in it.
        var root = TestPrograms.Instance.ChrootDirectory;
        return WithRunningMain($"chroot {root}", pid =>
        {
            Assert.Equal(root, new FileInfo($"/proc/{pid}/root").LinkTarget);
            Assert.Equal("pause", ProcScan.Read(pid)?.Comm);
        }, exec: "exec /pause");
    }

    [RootFact]
    public Task Setuid_and_setgid_run_the_main_process_as_that_user_and_group()
    {
        var user = new TestUserFixture();
        var daemonGid = File.ReadAllLines("/etc/group").Select(l => l.Split(':')).Single(f => f[0] == "daemon")[2];
        return WithRunningMain($"setuid {TestUserFixture.UserName}\nsetgid daemon", pid =>
        {
            Assert.All(Ids(ProcScan.Status(pid, "Uid")), id => Assert.Equal(user.Uid, id));
            Assert.All(Ids(ProcScan.Status(pid, "Gid")), id => Assert.Equal(daemonGid, id));
        });
    }

    [RootFact]
    public Task Setuid_alone_runs_the_main_process_with_the_users_primary_group()
    {
        var user = new TestUserFixture();
        return WithRunningMain($"setuid {TestUserFixture.UserName}", pid =>
        {
            Assert.All(Ids(ProcScan.Status(pid, "Uid")), id => Assert.Equal(user.Uid, id));
            Assert.All(Ids(ProcScan.Status(pid, "Gid")), id => Assert.Equal(user.Gid, id));
        });
    }

    /// <summary>Field <paramref name="number"/> (1-based, as proc(5) numbers them) of /proc/PID/stat.</summary>
    private static string StatField(int pid, int number)
    {
        var text = ProcScan.ProcFile(pid, "stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields[number - 3];
    }

    private static string[] Ids(string line) => line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
}
