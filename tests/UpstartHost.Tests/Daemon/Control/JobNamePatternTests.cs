using UpstartHost.Control;

namespace UpstartHost.Tests.Daemon.Control;

public class JobNamePatternTests
{
    [Theory]
    [InlineData("ssh*", "sshd", true)]
    [InlineData("tty?", "tty1", true)]
    [InlineData("tty?", "tty10", false)]
    [InlineData("tty[0-4]", "tty3", true)]
    [InlineData("tty[!0-4]", "tty3", false)]
    [InlineData("*", "net/apache", true)]
    [InlineData("net/*", "net/apache", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXbY", false)]
    [InlineData("[x", "[x", true)]
    public void Patterns_match_like_fnmatch(string pattern, string name, bool expected) =>
        Assert.Equal(expected, JobNamePattern.Matches(pattern, name));

    [Fact]
    public void A_hostile_pattern_finishes_quickly() =>
        Assert.False(JobNamePattern.Matches(new string('*', 5000) + "x", new string('a', 5000)));
}
