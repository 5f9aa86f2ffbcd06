using UpstartPS.Remoting;

namespace UpstartPS.Tests.Logic;

public sealed class ThisComputerTests
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData(".")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData("box7")]
    [InlineData("Box7")]
    [InlineData("box7.example.net")]
    [InlineData("box7.example.net.")]
    public void Names_of_this_machine_are_this_computer(string name) =>
        Assert.True(ThisComputer.Is(name, "box7", "example.net"));

    [Theory]
    [InlineData("web1")]
    [InlineData("box7.other.net")]
    [InlineData("10.0.0.7")]
    [InlineData("box77")]
    public void Other_names_are_another_computer(string name) =>
        Assert.False(ThisComputer.Is(name, "box7", "example.net"));

    [Fact]
    public void The_real_machine_name_is_this_computer() =>
        Assert.True(ThisComputer.Is(Environment.MachineName));
}
