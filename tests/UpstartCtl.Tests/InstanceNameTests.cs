
namespace UpstartCtl.Tests;

public class InstanceNameTests
{
    [Theory]
    [InlineData("$TTY", "tty1")]
    [InlineData("${TTY}-x", "tty1-x")]
    [InlineData("fixed", "fixed")]
    [InlineData("$", "$")]
    [InlineData("getty${TTY:+/}${TTY:-}", "getty/tty1")]
    [InlineData("${MISSING:-none}", "none")]
    [InlineData("x${MISSING:+/}${MISSING-}", "x")]
    public void The_instance_stanza_is_expanded_from_the_given_variables(string pattern, string expected)
    {
        Assert.True(InstanceName.TryExpand(pattern, [], ["TTY=tty1"], out var name, out _));
        Assert.Equal(expected, name);
    }

    [Fact]
    public void A_variable_neither_the_job_nor_the_request_gives_is_initctls_unknown_parameter()
    {
        Assert.False(InstanceName.TryExpand("$MISSING", [], ["TTY=tty1"], out _, out var error));
        Assert.Equal("Unknown parameter: MISSING", error);
    }

    [Fact]
    public void Job_env_supplies_defaults_and_given_values_win()
    {
        Assert.True(InstanceName.TryExpand("$X", ["X=d"], [], out var fromJob, out _));
        Assert.True(InstanceName.TryExpand("$X", ["X=d"], ["X=g"], out var given, out _));
        Assert.Equal(("d", "g"), (fromJob, given));
    }
}
