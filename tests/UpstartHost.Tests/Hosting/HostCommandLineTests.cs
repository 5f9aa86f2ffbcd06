using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

public class HostCommandLineTests
{
    [Fact]
    public void Every_option_is_read()
    {
        var c = HostCommandLine.Parse(["--session", "--confdir", "/a", "--confdir=/b", "--logdir", "/l", "--socket", "/s.sock",
            "--state-dir", "/st", "--startup-event", "boot", "--foreground"]);
        Assert.Equal(HostVerb.Run, c.Verb);
        Assert.Equal(HostMode.Session, c.Mode);
        Assert.Equal(["/a", "/b"], c.ConfDirs);
        Assert.Equal("/l", c.LogDir);
        Assert.Equal("/s.sock", c.SocketPath);
        Assert.Equal("/st", c.StateDir);
        Assert.Equal("boot", c.StartupEvent);
        Assert.True(c.Foreground);
    }

    [Fact]
    public void Check_takes_paths()
    {
        var c = HostCommandLine.Parse(["check", "a.conf", "dir"]);
        Assert.Equal(HostVerb.Check, c.Verb);
        Assert.Equal(["a.conf", "dir"], c.CheckPaths);
    }

    [Fact]
    public void Check_without_a_path_is_a_usage_error() =>
        Assert.Throws<HostUsageException>(() => HostCommandLine.Parse(["check"]));

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--logdir")]
    public void A_bad_option_is_a_usage_error(string arg)
    {
        var e = Assert.Throws<HostUsageException>(() => HostCommandLine.Parse([arg]));
        Assert.Contains(arg, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_and_help_are_verbs()
    {
        Assert.Equal(HostVerb.Version, HostCommandLine.Parse(["--version"]).Verb);
        Assert.Equal(HostVerb.Help, HostCommandLine.Parse(["--help"]).Verb);
    }

    [Fact]
    public void Check_takes_upstart_compatible_and_the_daemon_does_not()
    {
        var c = HostCommandLine.Parse(["check", "--upstart-compatible", "a.conf"]);
        Assert.True(c.UpstartCompatible);
        Assert.Equal(["a.conf"], c.CheckPaths);
        Assert.False(HostCommandLine.Parse(["check", "a.conf"]).UpstartCompatible);
        Assert.Throws<HostUsageException>(() => HostCommandLine.Parse(["--upstart-compatible"]));
    }
}
