using System.Collections.Immutable;
using System.Globalization;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>Each stanza the exec helper applies, checked in /proc of the running child.</summary>
public sealed class ProcessSettingsTests(ProcessLayerFixture fixture) : IClassFixture<ProcessLayerFixture>
{
    private async Task<string> WhileRunning(Func<JobClassConfig, JobClassConfig> configure, Func<int, string?> read, string command = "/bin/sleep 30")
    {
        var pid = fixture.Start(SpawnRequests.Exec(command, configure));
        try
        {
            return read(pid) ?? throw new InvalidOperationException("nothing to read for " + pid);
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    private static string StatusLine(int pid, string key) =>
        ProcessTree.ReadProcFile(pid, "status")!.Split('\n').Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public async Task Umask_is_applied()
    {
        Assert.Equal("0077", await WhileRunning(c => c with { Umask = Convert.ToInt32("077", 8) }, pid => StatusLine(pid, "Umask")));
    }

    [Fact]
    public async Task The_default_umask_is_022()
    {
        Assert.Equal("0022", await WhileRunning(c => c, pid => StatusLine(pid, "Umask")));
    }

    [Fact]
    public async Task Nice_is_applied()
    {
        // stat field 19 is nice; Stat() starts at field 3.
        Assert.Equal("7", await WhileRunning(c => c with { Nice = 7 }, pid => ProcessTree.Stat(pid)![16]));
    }

    [Fact]
    public async Task Oom_score_is_applied()
    {
        Assert.Equal("500", await WhileRunning(c => c with { OomScore = 500 }, pid => ProcessTree.ReadProcFile(pid, "oom_score_adj")?.Trim()));
    }

    [Fact]
    public async Task Limits_are_applied_soft_and_hard_including_unlimited()
    {
        var limits = await WhileRunning(
            c => c with
            {
                Limits = ImmutableDictionary<ResourceKind, ResourceLimit>.Empty
                    .Add(ResourceKind.Nofile, new ResourceLimit(123, 456))
                    .Add(ResourceKind.Core, new ResourceLimit(ResourceLimit.Infinity, ResourceLimit.Infinity)),
            },
            pid => ProcessTree.ReadProcFile(pid, "limits"));

        var lines = limits.Split('\n');
        Assert.Matches(@"^Max open files\s+123\s+456\s+files", lines.Single(l => l.StartsWith("Max open files", StringComparison.Ordinal)));
        Assert.Matches(@"^Max core file size\s+unlimited\s+unlimited", lines.Single(l => l.StartsWith("Max core file size", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_limit_that_cannot_be_set_fails_the_spawn_naming_it()
    {
        var result = await fixture.Spawn(SpawnRequests.Exec("/bin/true", c => c with
        {
            Limits = ImmutableDictionary<ResourceKind, ResourceLimit>.Empty.Add(ResourceKind.Nofile, new ResourceLimit(10, 5)),
        }));

        Assert.Equal("unable to set \"nofile\" resource limit: Invalid argument", result.Error);
    }

    [Fact]
    public async Task Chdir_is_applied()
    {
        Assert.Equal("/tmp", await WhileRunning(c => c with { Chdir = "/tmp" }, pid => new FileInfo($"/proc/{pid}/cwd").LinkTarget));
    }

    [Fact]
    public async Task The_working_directory_defaults_to_root()
    {
        Assert.Equal("/", await WhileRunning(c => c, pid => new FileInfo($"/proc/{pid}/cwd").LinkTarget));
    }

    [Fact]
    public async Task A_session_process_without_chdir_stays_in_the_daemons_working_directory()
    {
        // Upstart's user mode calls chdir only for a job that sets one: session jobs start where the session is.
        Assert.Equal(Environment.CurrentDirectory, await CwdOf(SpawnRequests.Exec("/bin/sleep 30") with { KeepWorkingDirectory = true }));
        Assert.Equal("/tmp", await CwdOf(SpawnRequests.Exec("/bin/sleep 30", c => c with { Chdir = "/tmp" }) with { KeepWorkingDirectory = true }));
    }

    private async Task<string?> CwdOf(SpawnRequest request)
    {
        var pid = fixture.Start(request);
        try
        {
            return new FileInfo($"/proc/{pid}/cwd").LinkTarget;
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [Fact]
    public async Task Chroot_is_applied()
    {
        var root = TestPrograms.Instance.ChrootDirectory;

        Assert.Equal(root, await WhileRunning(c => c with { Chroot = root }, pid => new FileInfo($"/proc/{pid}/root").LinkTarget, "/pause"));
    }

    [Fact]
    public async Task The_environment_is_exactly_the_one_given()
    {
        string[] environment = ["PATH=/usr/bin:/bin", "UPSTART_JOB=test", "UPSTART_INSTANCE=", "WITH_SPACE=a b", "EMPTY="];
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30", environment: environment));
        try
        {
            var actual = ProcessTree.ReadProcFile(pid, "environ")!.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(environment, actual);
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [Fact]
    public async Task The_child_starts_with_no_blocked_or_ignored_signal_and_only_fds_0_to_2()
    {
        // A static program that opens nothing: sleep(1) opens locale files as it starts, so reading its
        // fd table just after the exec can catch one of those for a moment.
        var pid = fixture.Start(SpawnRequests.Exec(Path.Combine(TestPrograms.Instance.ChrootDirectory, "pause")));
        try
        {
            Assert.Equal("0000000000000000", StatusLine(pid, "SigBlk"));
            Assert.Equal("0000000000000000", StatusLine(pid, "SigIgn"));
            Assert.Equal(["0", "1", "2"], Directory.GetFileSystemEntries($"/proc/{pid}/fd").Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/0").LinkTarget);
        }
        finally
        {
            await fixture.KillAndReap(pid);
        }
    }

    [Fact]
    public async Task Console_none_connects_output_to_dev_null()
    {
        Assert.Equal("/dev/null", await WhileRunning(c => c with { Console = ConsoleMode.None }, pid => new FileInfo($"/proc/{pid}/fd/1").LinkTarget));
    }

    [Fact]
    public async Task Console_output_uses_dev_console_or_falls_back_to_the_daemons_stdout()
    {
        var target = await WhileRunning(c => c with { Console = ConsoleMode.Output }, pid => new FileInfo($"/proc/{pid}/fd/1").LinkTarget);

        var fallback = new FileInfo("/proc/self/fd/1").LinkTarget;
        Assert.True(target == "/dev/console" || target == fallback, $"stdout is {target}");
    }

    [Fact]
    public async Task Process_ids_read_back_as_numbers()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30"));
        Assert.Equal(pid, int.Parse(ProcessTree.ReadProcFile(pid, "stat")!.Split(' ')[0], CultureInfo.InvariantCulture));
        await fixture.KillAndReap(pid);
    }
}
