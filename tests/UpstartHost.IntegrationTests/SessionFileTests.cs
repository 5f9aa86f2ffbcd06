namespace UpstartHost.IntegrationTests;

/// <summary>
/// A session daemon's `$XDG_RUNTIME_DIR/upstart/sessions/PID.session`, as Upstart's session init writes it, and
/// `upstartctl list-sessions` reading it: there while the daemon runs (a re-exec keeps it), gone after a clean stop;
/// a system daemon writes none.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class SessionFileTests
{
    [Fact]
    public async Task A_session_daemon_is_listed_while_it_runs_through_a_re_exec_and_not_after_a_clean_stop()
    {
        await using var d = DaemonFixture.Create();
        await d.StartAsync();
        var file = Path.Combine(d.RuntimeDir, "upstart", "sessions", $"{d.DaemonPid}.session");

        Assert.Equal($"UPSTART_SESSION=unix:path={d.SocketPath}\n", await File.ReadAllTextAsync(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var listed = await d.RunCtlAsync(["list-sessions"]);
        Assert.Equal((0, $"{d.DaemonPid} unix:path={d.SocketPath}\n"), (listed.ExitCode, listed.Stdout));

        Assert.True((await d.RunCtlAsync(["re-exec"])).ExitCode == 0, d.DaemonOutput);
        await d.ReconnectAsync();
        Assert.Equal($"{d.DaemonPid} unix:path={d.SocketPath}\n", (await d.RunCtlAsync(["list-sessions"])).Stdout);

        Assert.Equal(0, await d.StopAsync());
        Assert.False(File.Exists(file));
        Assert.Equal((0, ""), ((await d.RunCtlAsync(["list-sessions"])).ExitCode, (await d.RunCtlAsync(["list-sessions"])).Stdout));
    }

    [Fact]
    public async Task A_system_daemon_writes_no_session_file()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        await d.StartAsync();

        Assert.False(Directory.Exists(Path.Combine(d.RuntimeDir, "upstart")));
    }
}
