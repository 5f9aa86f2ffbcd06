using UpstartPS.Arguments;

namespace UpstartPS.Tests.Logic;

public sealed class InstanceEnvironmentTests
{
    [Theory]
    [InlineData("$TTY", "tty1", "TTY=tty1")]
    [InlineData("${TTY}", "tty1", "TTY=tty1")]
    [InlineData(" $IFACE ", "eth0", "IFACE=eth0")]
    public void A_one_variable_instance_stanza_is_inverted(string template, string instance, string expected) =>
        Assert.Equal(expected, InstanceEnvironment.Derive(template, instance));

    [Theory]
    [InlineData("$A-$B", "x-y")]
    [InlineData("worker-$N", "worker-1")]
    [InlineData("", "x")]
    [InlineData(null, "x")]
    [InlineData("$TTY", "")]
    public void Other_templates_cannot_be_inverted(string? template, string instance) =>
        Assert.Null(InstanceEnvironment.Derive(template, instance));

    [Theory]
    [InlineData("$NAME", new[] { "NAME=a1" }, "a1")]
    [InlineData("${NAME}", new[] { "INTERVAL=2", "NAME=a1" }, "a1")]
    [InlineData("$A-$B", new[] { "A=x", "B=y" }, "x-y")]
    [InlineData("$NAME", new[] { "NAME=a1", "NAME=a2" }, "a2")]
    [InlineData("", new[] { "NAME=a1" }, "")]
    public void The_environment_selects_the_instance_the_daemon_would(string template, string[] environment, string expected) =>
        Assert.Equal(expected, InstanceEnvironment.Select(template, [], environment));

    [Fact]
    public void The_job_s_env_defaults_fill_in_and_the_request_overrides_them()
    {
        Assert.Equal("web-8080", InstanceEnvironment.Select("web-$PORT", ["PORT=8080"], []));
        Assert.Equal("web-9090", InstanceEnvironment.Select("web-$PORT", ["PORT=8080"], ["PORT=9090"]));
    }

    [Fact]
    public void An_instance_that_needs_a_variable_nobody_gives_is_unknown() =>
        Assert.Null(InstanceEnvironment.Select("$NAME", [], ["OTHER=1"]));

    [Fact]
    public void A_selected_instance_keeps_its_variable_unless_the_user_sets_it()
    {
        Assert.Equal(["NAME=a1", "INTERVAL=5"], InstanceEnvironment.Merge("$NAME", "a1", ["INTERVAL=5"]));
        Assert.Equal(["NAME=a3"], InstanceEnvironment.Merge("$NAME", "a1", ["NAME=a3"]));
        Assert.Equal(["NAME=a3"], InstanceEnvironment.Merge("$NAME", "", ["NAME=a3"]));
    }
}
