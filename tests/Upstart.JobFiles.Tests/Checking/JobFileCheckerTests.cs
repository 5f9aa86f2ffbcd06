using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Diagnostics;

namespace Upstart.JobFiles.Tests.Checking;

public sealed class JobFileCheckerTests
{
    private static (int Code, string[] Lines) Run(IReadOnlyList<string> paths, CheckOptions? options = null)
    {
        using var output = new StringWriter();
        var code = JobFileChecker.Run(paths, output, options);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_good_file_is_syntax_ok()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("ssh.conf", "start on runlevel [2345]\nexec /usr/sbin/sshd -D\n");

        var (code, lines) = Run([path]);

        Assert.Equal(0, code);
        Assert.Equal([$"File {path}: syntax ok"], lines);
    }

    [Fact]
    public void A_broken_file_prints_its_diagnostic_and_fails()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("bad.conf", "description x\nexpect forking\n");

        var (code, lines) = Run([path]);

        Assert.Equal(1, code);
        Assert.Equal([$"{path}:2:8: unknown-stanza: Unknown stanza"], lines);
    }

    [Theory]
    [InlineData("with space.conf")]
    [InlineData("a\u0001b.conf")]
    public void A_badly_named_file_gets_the_same_diagnostic_alone_as_in_its_directory_with_its_real_path(string fileName)
    {
        using var dir = new TempDirectory();
        var path = dir.Write(fileName, "exec sleep 1\n");

        var alone = Assert.Single(JobFileChecker.Check(path));
        var inDirectory = Assert.Single(JobFileChecker.Check(dir.Path));

        Assert.Equal(inDirectory, alone);
        Assert.Equal(path, alone.Path);
        Assert.Equal("bad-job-name", alone.Kind);
        Assert.DoesNotContain(alone.ToString(), c => char.IsControl(c));
    }

    [Fact]
    public void A_missing_file_fails()
    {
        var (code, lines) = Run(["/nonexistent/x.conf"]);
        Assert.Equal(1, code);
        Assert.Contains("/nonexistent/x.conf", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_checked_file_by_file_with_overrides()
    {
        using var dir = new TempDirectory();
        var a = dir.Write("a.conf", "exec a\n");
        var b = dir.Write("b.conf", "exec b\n");
        var bOverride = dir.Write("b.override", "oom 99\n");

        var (code, lines) = Run([dir.Path]);

        Assert.Equal(1, code);
        Assert.Equal(
            [$"File {a}: syntax ok", $"{bOverride}:1:5: illegal-oom: Illegal oom adjustment, expected -16 to 15 or 'never'"],
            lines);
        _ = b;
    }

    [Fact]
    public void A_symbolic_link_in_a_directory_is_a_warning_not_a_job()
    {
        using var dir = new TempDirectory();
        var real = dir.Write("real.conf", "exec a\n");
        var link = Path.Combine(dir.Path, "link.conf");
        File.CreateSymbolicLink(link, real);

        var (code, lines) = Run([dir.Path]);

        Assert.Equal(0, code);
        Assert.Equal([$"File {real}: syntax ok", $"{link}:0:0: symlink-not-supported: Symbolic links are not supported"], lines);
    }

    [Fact]
    public void The_events_this_daemon_emits_beyond_Upstart_are_known()
    {
        using var dir = new TempDirectory();
        dir.Write("alert.conf", "start on process-exited EXPECTED=no or respawning or respawn-limit-reached JOB=web or restart-refused\ntask\n");

        var (code, lines) = Run([dir.Path]);

        Assert.Equal(0, code);
        Assert.Equal([$"File {Path.Combine(dir.Path, "alert.conf")}: syntax ok"], lines);
    }

    [Fact]
    public void Conditions_on_unknown_events_and_jobs_are_listed_under_the_job()
    {
        using var dir = new TempDirectory();
        dir.Write("apple.conf", "start on started grape or peach\nstop on stopping pear\nemits fruit-*\n");
        dir.Write("pear.conf", "start on fruit-ripe and startup and net-device-up IFACE=eth0 and foo/failed\n");

        var (code, lines) = Run([dir.Path]);

        Assert.Equal(0, code);
        Assert.Equal(
            [
                $"File {Path.Combine(dir.Path, "apple.conf")}: syntax ok",
                $"File {Path.Combine(dir.Path, "pear.conf")}: syntax ok",
                "apple",
                "  start on: unknown job grape",
                "  start on: unknown event peach",
            ],
            lines);
    }

    [Fact]
    public void Unreachable_conditions_can_fail_the_check_and_events_can_be_ignored()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("a.conf", "start on peach\n");

        Assert.Equal(1, Run([path], new CheckOptions { FailOnUnreachable = true }).Code);
        Assert.Equal(0, Run([path], new CheckOptions { FailOnUnreachable = true, IgnoredEvents = ["peach"] }).Code);
        Assert.Single(Run([path], new CheckOptions { AnalyzeConditions = false }).Lines);
    }

    [Fact]
    public void Check_as_data_reads_an_override_with_its_conf()
    {
        using var dir = new TempDirectory();
        dir.Write("web.conf", "exec sleep 60\n");
        var overridePath = dir.Write("web.override", "bogus-stanza\n");

        var d = Assert.Single(JobFileChecker.Check(overridePath));
        Assert.Equal((overridePath, "unknown-stanza"), (d.Path, d.Kind));
    }

    [Fact]
    public void Check_as_data_refuses_a_file_larger_than_the_loader_reads()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("huge.conf", "# " + new string('x', (1 << 20) + 1) + "\n");

        Assert.Equal("file-too-large", Assert.Single(JobFileChecker.Check(path)).Kind);
    }

    [Fact]
    public void Check_as_data_warns_about_conditions_no_job_in_the_directory_satisfies()
    {
        using var dir = new TempDirectory();
        var waiter = dir.Write("waiter.conf", "start on peach\nexec sleep 60\n");

        var d = Assert.Single(JobFileChecker.Check(dir.Path));
        Assert.Equal((waiter, JobFileChecker.UnknownEventKind), (d.Path, d.Kind));
        Assert.Empty(JobFileChecker.Check(dir.Path, new CheckOptions { IgnoredEvents = ["peach"] }));
    }
}
