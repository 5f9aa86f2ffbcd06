using Upstart.JobFiles.Checking;

namespace Upstart.JobFiles.Tests.Checking;

public sealed class GlobTests
{
    [Theory]
    [InlineData("net-device-*", "net-device-up", true)]
    [InlineData("*", "a/b", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("[2345]", "3", true)]
    [InlineData("[!2345]", "3", false)]
    [InlineData("[0-9]x", "7x", true)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("*/failed", "foo/failed", true)]
    [InlineData("[", "[", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    public void Patterns_match_like_fnmatch_without_flags(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.Match(pattern, text));

    [Fact]
    public void Hostile_patterns_finish_quickly()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 200));
        Assert.False(Glob.Match(pattern, new string('a', 150) + "b"));
    }
}
