using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Model;
using UpstartHost.Logging;
using UpstartHost.Processes;
using UpstartHost.Tests.Processes;

namespace UpstartHost.Tests.Logging;

/// <summary>`console log` end to end: real processes writing through a pty into the job's log (UPSTART.md §f).</summary>
public sealed class ConsoleLogTests(ProcessLayerFixture fixture) : IClassFixture<ProcessLayerFixture>
{
    private string NewLog() => LogFileName.For(fixture.LogDirectory, "job" + Guid.NewGuid().ToString("N")[..8], "");

    private async Task Run(SpawnRequest request, int expectedStatus = 0)
    {
        var pid = fixture.Start(request);
        Assert.Equal(expectedStatus, (await fixture.Notices.WaitFor<ProcessExited>(pid)).Status);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task Stdout_and_stderr_of_every_process_of_the_job_go_to_its_log_in_order()
    {
        var log = NewLog();
        await Run(SpawnRequests.For(new ProcessDefinition(false, "/bin/sh -c 'echo pre-start out; echo pre-start err >&2'"), null, log, null, ProcessKind.PreStart));
        await LogText.WaitForEnd(log, fixture.Layer);
        await Run(SpawnRequests.Script("echo main\necho main err >&2\nexit 3\n", logPath: log), expectedStatus: 3);
        await LogText.WaitForEnd(log, fixture.Layer);
        await Run(SpawnRequests.For(new ProcessDefinition(true, "echo post-stop\n"), null, log, null, ProcessKind.PostStop));

        Assert.Equal("pre-start out\npre-start err\nmain\nmain err\npost-stop\n", await LogText.WaitForEnd(log, fixture.Layer));
    }

    [Fact]
    public async Task Output_is_written_exactly_without_carriage_returns()
    {
        var log = NewLog();
        await Run(SpawnRequests.Exec("/usr/bin/printf 'a\\nb\\r\\nc'", logPath: log));

        Assert.Equal("a\nb\r\nc", await LogText.WaitForEnd(log, fixture.Layer));
    }

    [Fact]
    public async Task A_logged_process_sees_a_terminal_and_reads_dev_null()
    {
        var log = NewLog();
        await Run(SpawnRequests.Script("test -t 1 && echo tty\nread line || echo eof\n", logPath: log));

        Assert.Equal("tty\neof\n", await LogText.WaitForEnd(log, fixture.Layer));
    }

    [Fact]
    public async Task No_log_file_is_created_when_the_job_writes_nothing()
    {
        var silent = NewLog();
        var marker = NewLog();
        await Run(SpawnRequests.Exec("/bin/true", logPath: silent));
        await Run(SpawnRequests.Exec("/bin/echo marker", logPath: marker));

        Assert.Equal("marker\n", await LogText.WaitForEnd(marker, fixture.Layer));
        Assert.False(File.Exists(silent));
    }

    [Fact]
    public async Task Output_from_processes_left_behind_is_logged_after_the_main_process_exits()
    {
        var log = NewLog();
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sh -c '(/bin/sleep 0.3; echo late) & echo early'", logPath: log));
        await fixture.Notices.WaitFor<ProcessExited>(pid);

        await LogText.Eventually(() => File.Exists(log) && File.ReadAllText(log) == "early\nlate\n", "the late line");
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task A_deleted_log_is_recreated_by_the_next_output()
    {
        var log = NewLog();
        var flag = log + ".go";
        var pid = fixture.Start(SpawnRequests.Script($"echo one\nwhile [ ! -e {flag} ]; do sleep 0.02; done\necho two\n", logPath: log));
        await LogText.Eventually(() => File.Exists(log) && File.ReadAllText(log) == "one\n", "the first line");

        File.Delete(log);
        await File.WriteAllTextAsync(flag, "");
        await fixture.Notices.WaitFor<ProcessExited>(pid);

        await LogText.Eventually(() => File.Exists(log) && File.ReadAllText(log) == "two\n", "the recreated log");
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task An_unwritable_log_directory_is_reported_once_and_the_job_runs_on()
    {
        var loggers = new CapturingLoggerFactory();
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, loggers);
        var notADirectory = Path.Combine(fixture.LogDirectory, "plain-file");
        await File.WriteAllTextAsync(notADirectory, "");
        var log = Path.Combine(notADirectory, "job.log");

        var pid = layer.Spawn(SpawnRequests.Script("echo a\nsleep 0.1\necho b\nexit 5\n", logPath: log)).Pid;

        Assert.Equal(new ProcessExited(pid, 5, false), await notices.WaitFor<ProcessExited>(pid));
        await LogText.WaitForEnd(log, layer);
        var warnings = loggers.Messages.Where(m => m.Level == LogLevel.Warning && m.Message.Contains(log, StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("Not a directory", warnings[0].Message, StringComparison.Ordinal);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task A_missing_log_directory_is_created()
    {
        var log = Path.Combine(fixture.LogDirectory, "sub", "dir", "job.log");
        await Run(SpawnRequests.Exec("/bin/echo hello", logPath: log));

        Assert.Equal("hello\n", await LogText.WaitForEnd(log, fixture.Layer));
    }

    [Fact]
    public async Task Console_log_without_a_log_path_discards_output()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30", c => c with { Console = ConsoleMode.Log }));

        Assert.Equal("/dev/null", new FileInfo($"/proc/{pid}/fd/1").LinkTarget);
        await fixture.KillAndReap(pid);
    }
}
