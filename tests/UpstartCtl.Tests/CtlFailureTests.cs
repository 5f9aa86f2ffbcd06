namespace UpstartCtl.Tests;

public sealed class CtlFailureTests
{
    [Fact]
    public async Task No_daemon_is_one_line_that_names_the_socket_once()
    {
        var socket = Path.Combine(Path.GetTempPath(), "ups-ctl-" + Guid.NewGuid().ToString("N")[..8], "none.sock");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await UpstartCtl.Ctl.RunAsync("initctl", ["--socket", socket, "list"], output, error);

        var text = error.ToString();
        Assert.Equal(1, exit);
        Assert.Equal("", output.ToString());
        Assert.StartsWith($"initctl: Unable to connect to the UpstartPS daemon at {socket}: no such socket. Is it running?", text, StringComparison.Ordinal);
        Assert.Single(text.Split("Unable to connect"), part => part.Contains(socket, StringComparison.Ordinal));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Single(text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Now_with_any_command_but_disable_is_a_usage_error_before_connecting()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await UpstartCtl.Ctl.RunAsync("initctl", ["--socket", "/nonexistent/none.sock", "stop", "--now", "web"], output, error);

        Assert.Equal((1, "initctl: option '--now' goes with disable only\nTry `initctl --help' for more information.\n"), (exit, error.ToString()));
    }

    [Fact]
    public async Task Variables_that_only_pick_an_instance_are_checked_before_connecting()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await UpstartCtl.Ctl.RunAsync("status", ["--socket", "/nonexistent/none.sock", "tty", "NOEQUALS"], output, error);

        Assert.Equal((1, "status: Env must be KEY=VALUE pairs\n"), (exit, error.ToString()));
    }
}
