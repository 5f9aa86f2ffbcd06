using UpstartPS.Connection;

namespace UpstartPS.Tests.Logic;

public sealed class SocketLocationTests
{
    [Fact]
    public void The_parameter_wins_over_everything() =>
        Assert.Equal("/p.sock", SocketLocation.Resolve("/p.sock", _ => "/env.sock", () => "/found.sock"));

    [Fact]
    public void The_environment_variable_wins_over_discovery() =>
        Assert.Equal("/env.sock", SocketLocation.Resolve(null, n => n == "UPSTARTPS_SOCKET" ? "/env.sock" : null, () => "/found.sock"));

    [Fact]
    public void Discovery_is_the_last_resort()
    {
        Assert.Equal("/found.sock", SocketLocation.Resolve(null, _ => null, () => "/found.sock"));
        Assert.Equal("/found.sock", SocketLocation.Resolve("  ", _ => "", () => "/found.sock"));
    }
}
