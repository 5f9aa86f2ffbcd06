
namespace UpstartCtl.Tests;

public class CtlArgumentsTests
{
    [Fact]
    public void Options_may_come_before_or_after_the_command()
    {
        var a = CtlArguments.Parse("initctl", ["-q", "start", "web", "PORT=80", "--no-wait", "--socket", "/s"]);
        Assert.Equal("start", a.Command);
        Assert.Equal(["web", "PORT=80"], a.Words);
        Assert.True(a.Quiet);
        Assert.True(a.NoWait);
        Assert.Equal("/s", a.SocketPath);
    }

    [Fact]
    public void A_long_option_takes_its_value_after_an_equals_sign_as_initctl_does()
    {
        var a = CtlArguments.Parse("initctl", ["check-config", "--ignore-events=peach,plum", "apple"]);
        Assert.Equal(["peach", "plum"], a.IgnoredEvents);
        Assert.Equal(["apple"], a.Words);
        Assert.Equal(5, CtlArguments.Parse("initctl", ["log", "web", "--lines=5"]).Lines);
    }

    [Fact]
    public void Short_options_may_be_bundled_as_initctl_takes_them()
    {
        // libnih's option parser, like getopt: `-nq` is `-n -q`.
        var a = CtlArguments.Parse("initctl", ["-nq", "emit", "net-device-up", "IFACE=lo"]);
        Assert.Equal(("emit", true, true), (a.Command, a.NoWait, a.Quiet));
        Assert.Equal(["net-device-up", "IFACE=lo"], a.Words);
        Assert.Equal(["a", "b"], CtlArguments.Parse("initctl", ["check-config", "-wi", "a,b"]).IgnoredEvents);
        Assert.Throws<CtlUsageException>(() => CtlArguments.Parse("initctl", ["-nx", "list"]));
    }

    [Fact]
    public void Now_is_an_option_of_disable()
    {
        var a = CtlArguments.Parse("initctl", ["disable", "--now", "web"]);
        Assert.Equal(("disable", true), (a.Command, a.Now));
        Assert.Equal(["web"], a.Words);
        Assert.False(CtlArguments.Parse("initctl", ["disable", "web"]).Now);
    }

    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    [InlineData("restart")]
    [InlineData("reload")]
    [InlineData("status")]
    public void A_link_name_is_the_command(string link)
    {
        var a = CtlArguments.Parse(link, ["ssh"]);
        Assert.Equal(link, a.Command);
        Assert.Equal(["ssh"], a.Words);
    }

    [Fact]
    public void Check_config_w_asks_for_every_unreachable_operand()
    {
        Assert.True(CtlArguments.Parse("initctl", ["check-config", "-w"]).WarnAll);
        Assert.True(CtlArguments.Parse("initctl", ["check-config", "--warn", "apple"]).WarnAll);
        Assert.False(CtlArguments.Parse("initctl", ["check-config", "-v"]).WarnAll);
    }

    [Fact]
    public void System_and_session_select_the_daemon()
    {
        Assert.True(CtlArguments.Parse("initctl", ["--system", "list"]).System);
        Assert.False(CtlArguments.Parse("initctl", ["--session", "list"]).System);
        Assert.Null(CtlArguments.Parse("initctl", ["list"]).System);
    }

    [Fact]
    public void Check_config_ignored_events_are_comma_separated() =>
        Assert.Equal(["a", "b"], CtlArguments.Parse("initctl", ["check-config", "-i", "a,b"]).IgnoredEvents);

    [Fact]
    public void An_unknown_option_is_a_usage_error() =>
        Assert.Throws<CtlUsageException>(() => CtlArguments.Parse("initctl", ["--frobnicate"]));

    [Fact]
    public void Missing_job_name_prints_initctls_two_lines_and_exits_1()
    {
        var previous = Environment.GetEnvironmentVariable("UPSTART_JOB");
        Environment.SetEnvironmentVariable("UPSTART_JOB", null);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var socket = Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.sock");
            var rc = UpstartCtl.Ctl.Run("start", ["--socket", socket], output, error);
            Assert.Equal(1, rc);
            Assert.StartsWith("start: ", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("UPSTART_JOB", previous);
        }
    }

    [Fact]
    public void No_command_is_a_usage_error_naming_the_program()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(1, UpstartCtl.Ctl.Run("initctl", [], output, error));
        Assert.Equal("initctl: missing command\nTry `initctl --help' for more information.\n", error.ToString());
    }
}
