using System.Globalization;

namespace UpstartCtl.Tests;

/// <summary>
/// initctl's list-sessions: `PID ADDRESS` for each live session daemon's file in $XDG_RUNTIME_DIR/upstart/sessions,
/// read without talking to any daemon; stale and malformed files skipped as initctl skips them.
/// </summary>
public sealed class ListSessionsTests : IDisposable
{
    private const string Try = "Try `initctl --help' for more information.\n";
    private readonly DirectoryInfo runtime = Directory.CreateTempSubdirectory("ups-sessions-");

    public void Dispose() => runtime.Delete(recursive: true);

    private string Sessions => Path.Combine(runtime.FullName, "upstart", "sessions");

    private void WriteSession(string name, string contents)
    {
        Directory.CreateDirectory(Sessions);
        File.WriteAllText(Path.Combine(Sessions, name), contents);
    }

    private static (int Exit, string Output, string Error) Run(string? runtimeDirectory)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // No socket that exists: list-sessions must not need a daemon.
        var exit = Ctl.Run("initctl", ["--socket", "/nonexistent/none.sock", "list-sessions"], output, error, name => name == "XDG_RUNTIME_DIR" ? runtimeDirectory : null);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Live_sessions_are_listed_by_pid_and_stale_or_malformed_files_are_skipped()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        WriteSession($"{self}.session", "UPSTART_SESSION=unix:path=/run/user/1000/upstartps/control.sock\n");
        WriteSession("1.session", "UPSTART_SESSION=unix:abstract=/com/ubuntu/upstart-session/1000/1\n");
        WriteSession("2147483647.session", "UPSTART_SESSION=unix:path=/gone\n");
        WriteSession("abc.session", "UPSTART_SESSION=unix:path=/not-a-pid\n");
        WriteSession($"{self}.txt", "UPSTART_SESSION=unix:path=/wrong-extension\n");
        WriteSession("1.session.tmp", "UPSTART_SESSION=unix:path=/half-written\n");

        var (exit, output, error) = Run(runtime.FullName);

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal($"1 unix:abstract=/com/ubuntu/upstart-session/1000/1\n{self} unix:path=/run/user/1000/upstartps/control.sock\n", output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPSTART_SESSION=\n")]
    [InlineData("OTHER=unix:path=/x\n")]
    [InlineData("UPSTART_SESSION=unix:path=/x\u001b[2J\n")]
    public void A_live_session_s_file_without_an_address_is_skipped(string contents)
    {
        WriteSession("1.session", contents);

        Assert.Equal((0, "", ""), Run(runtime.FullName));
    }

    [Fact]
    public void No_session_directory_lists_nothing_and_no_runtime_directory_is_initctl_s_error()
    {
        Assert.Equal((0, "", ""), Run(runtime.FullName));
        Assert.Equal((1, "", "initctl: Unable to query session directory\n"), Run(null));
        Assert.Equal((1, "", "initctl: Unable to query session directory\n"), Run("relative/dir"));
    }

    [Fact]
    public void It_takes_no_option_of_other_commands()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = Ctl.Run("initctl", ["list-sessions", "-g"], output, error, _ => runtime.FullName);

        Assert.Equal((1, "initctl: unrecognized option '-g'\n" + Try), (exit, error.ToString()));
    }
}
