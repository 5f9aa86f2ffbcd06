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
}
