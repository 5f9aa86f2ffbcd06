
namespace UpstartCtl.Tests;

public class InstanceNameTests
{
    [Theory]
    [InlineData("$TTY", "tty1")]
    [InlineData("${TTY}-x", "tty1-x")]
    [InlineData("fixed", "fixed")]
    [InlineData("$MISSING", "")]
    [InlineData("$", "$")]
    public void The_instance_stanza_is_expanded_from_the_given_variables(string pattern, string expected) =>
        Assert.Equal(expected, InstanceName.Expand(pattern, [], ["TTY=tty1"]));

    [Fact]
    public void Job_env_supplies_defaults_and_given_values_win()
    {
        Assert.Equal("d", InstanceName.Expand("$X", ["X=d"], []));
        Assert.Equal("g", InstanceName.Expand("$X", ["X=d"], ["X=g"]));
    }
}
