using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

public sealed class JobNamePatternTests
{
    [Theory]
    [InlineData("ssh", "ssh", true)]
    [InlineData("ssh", "sshd", false)]
    [InlineData("ss*", "sshd", true)]
    [InlineData("*", "", true)]
    [InlineData("*d", "sshd", true)]
    [InlineData("*d", "ssh", false)]
    [InlineData("t?y", "tty", true)]
    [InlineData("t?y", "ty", false)]
    [InlineData("tty[0-9]", "tty7", true)]
    [InlineData("tty[0-9]", "ttyS", false)]
    [InlineData("tty[!0-9]", "ttyS", true)]
    [InlineData("[abc]*", "cron", true)]
    [InlineData("foo/*", "foo/bar", true)]
    [InlineData("a[", "a[", true)]
    [InlineData("a\\*", "a\\b", true)]
    [InlineData("a\\*", "a*", false)]
    [InlineData("tty[[:digit:]]", "tty1", true)]
    [InlineData("*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    public void Matches_like_fnmatch(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, new JobNamePattern(pattern).IsMatch(name));
    }

    [Theory]
    [InlineData("ssh", false)]
    [InlineData("ss*", true)]
    [InlineData("t?y", true)]
    [InlineData("tty[12]", true)]
    public void Knows_whether_it_is_an_exact_name(string pattern, bool hasWildcards)
    {
        Assert.Equal(hasWildcards, new JobNamePattern(pattern).HasWildcards);
    }
}
