namespace UpstartCtl.Tests;

/// <summary>
/// notify-dbus-address and notify-cgroup-manager-address: accepted without a daemon (this one uses no D-Bus and
/// manages cgroups itself), so Upstart session jobs that run them succeed; without an address, initctl's usage error.
/// </summary>
public sealed class NotifyAddressTests
{
    private const string Try = "Try `initctl --help' for more information.\n";

    private static (int Exit, string Output, string Error) Run(params string[] argv)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // No socket that exists: the commands must not need a daemon.
        var exit = Ctl.Run("initctl", ["--socket", "/nonexistent/none.sock", .. argv], output, error, _ => null);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("notify-dbus-address", "unix:abstract=/tmp/dbus-XYZ,guid=0123")]
    [InlineData("notify-cgroup-manager-address", "unix:path=/sys/fs/cgroup/cgmanager/sock")]
    public void An_address_is_accepted_and_nothing_is_asked_of_any_daemon(string command, string address)
    {
        Assert.Equal((0, "", ""), Run(command, address));
    }

    [Theory]
    [InlineData("notify-dbus-address", "missing D-Bus address")]
    [InlineData("notify-cgroup-manager-address", "missing address")]
    public void No_address_is_initctl_s_usage_error(string command, string message)
    {
        Assert.Equal((1, "", $"initctl: {message}\n" + Try), Run(command));
    }
}
