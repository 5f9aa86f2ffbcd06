using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>How exec lines and scripts are run (init(5): /bin/sh -e, metacharacters, /proc/self/fd/9).</summary>
public sealed class CommandTests(ProcessLayerFixture fixture) : IClassFixture<ProcessLayerFixture>
{
    private string LogFile() => Path.Combine(fixture.LogDirectory, Guid.NewGuid().ToString("N") + ".log");

    private async Task<(ProcessExited Exit, string Log)> RunToEnd(SpawnRequest request)
    {
        var pid = fixture.Start(request);
        var exit = await fixture.Notices.WaitFor<ProcessExited>(pid);
        await ProcessTree.AssertGone(pid);
        return (exit, await LogText.WaitForEnd(request.LogPath!, fixture.Layer));
    }

    [Fact]
    public async Task A_plain_exec_is_split_on_whitespace_and_exec_directly()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep\t30"));

        Assert.Equal("/bin/sleep\030\0", ProcessTree.ReadProcFile(pid, "cmdline"));
        await fixture.KillAndReap(pid);
    }

    [Fact]
    public async Task An_exec_with_shell_metacharacters_runs_through_sh_with_exec_prepended()
    {
        var log = LogFile();
        var (exit, text) = await RunToEnd(SpawnRequests.Exec("/bin/echo \"$GREETING  world\" > /dev/stdout", logPath: log,
            environment: ["PATH=/usr/bin:/bin", "GREETING=hello"]));

        Assert.Equal(0, exit.Status);
        Assert.Equal("hello  world\n", text);
    }

    [Fact]
    public async Task The_shell_for_an_exec_line_is_replaced_by_the_command()
    {
        var pid = fixture.Start(SpawnRequests.Exec("/bin/sleep 30 </dev/null"));

        await LogText.Eventually(() => ProcessTree.ReadProcFile(pid, "cmdline") == "/bin/sleep\030\0");
        await fixture.KillAndReap(pid);
    }

    [Fact]
    public async Task A_single_line_script_runs_with_sh_dash_e_dash_c()
    {
        var log = LogFile();
        var (exit, text) = await RunToEnd(SpawnRequests.Script("echo one; false; echo never\n", logPath: log));

        Assert.Equal(new ProcessExited(exit.Pid, 1, false), exit);
        Assert.Equal("one\n", text);
    }

    [Fact]
    public async Task A_multi_line_script_is_read_from_proc_self_fd_9_and_stops_at_the_first_failure()
    {
        var log = LogFile();
        var (exit, text) = await RunToEnd(SpawnRequests.Script("echo one\necho \"two $UPSTART_JOB\"\nfalse\necho never\n", logPath: log));

        Assert.Equal(1, exit.Status);
        Assert.Equal("one\ntwo test\n", text);
    }

    [Fact]
    public async Task A_running_multi_line_script_shows_as_sh_reading_fd_9()
    {
        var pid = fixture.Start(SpawnRequests.Script("sleep 30\nexit 0\n"));

        Assert.Equal("/bin/sh\0-e\0/proc/self/fd/9\0", ProcessTree.ReadProcFile(pid, "cmdline"));
        await fixture.KillAndReap(pid);
    }

    [Fact]
    public async Task A_script_larger_than_a_pipe_is_passed_whole_without_blocking_spawn()
    {
        var log = LogFile();
        var body = string.Concat(Enumerable.Range(0, 8000).Select(i => $": line {i} padding padding padding\n"));
        var (exit, text) = await RunToEnd(SpawnRequests.Script(body + "echo done\n", logPath: log));

        Assert.Equal(0, exit.Status);
        Assert.Equal("done\n", text);
    }

    [Fact]
    public void Commands_are_classified_as_Upstart_does()
    {
        Assert.Equal(["/bin/foo", "a", "b"], ProcessCommand.For(new(false, "/bin/foo  a\tb")).Argv);
        Assert.Equal(["/bin/sh", "-e", "-c", "exec /bin/foo a=b"], ProcessCommand.For(new(false, "/bin/foo a=b")).Argv);
        Assert.Equal(["/bin/sh", "-e", "-c", "exec foo ~"], ProcessCommand.For(new(false, "foo ~")).Argv);
        Assert.Equal(["/bin/sh", "-e", "-c", "echo hi"], ProcessCommand.For(new(true, "echo hi\n")).Argv);
        var multi = ProcessCommand.For(new(true, "a\nb\n"));
        Assert.Equal(["/bin/sh", "-e", "/proc/self/fd/9"], multi.Argv);
        Assert.Equal("a\nb\n", multi.ScriptText);
    }
}
