using UpstartPS.Matching;

namespace UpstartPS.Tests.Logic;

public sealed class NamePatternTests
{
    [Theory]
    [InlineData("web*", "web-frontend", true)]
    [InlineData("web*", "WEB", true)]
    [InlineData("web*", "api-web", false)]
    [InlineData("w?b", "web", true)]
    [InlineData("w?b", "weeb", false)]
    [InlineData("tty[12]", "tty1", true)]
    [InlineData("tty[12]", "tty3", false)]
    [InlineData("tty[1-3]", "tty3", true)]
    [InlineData("tty[1-3]", "tty4", false)]
    [InlineData("*", "", true)]
    [InlineData("a.b*", "axb", false)]
    [InlineData("a+b*", "a+bc", true)]
    public void Wildcards_follow_PowerShell_rules_case_insensitively(string pattern, string name, bool expected) =>
        Assert.Equal(expected, NamePattern.Parse(pattern).IsMatch(name));

    [Theory]
    [InlineData("web", false)]
    [InlineData("web*", true)]
    [InlineData("we?", true)]
    [InlineData("tty[12]", true)]
    [InlineData("we`*", false)]
    [InlineData("a[", false)]
    public void Only_unescaped_wildcard_characters_make_a_wildcard(string pattern, bool wildcard) =>
        Assert.Equal(wildcard, NamePattern.Parse(pattern).IsWildcard);

    [Fact]
    public void A_backtick_escapes_a_wildcard_character()
    {
        var pattern = NamePattern.Parse("we`*b");
        Assert.Equal("we*b", pattern.Literal);
        Assert.True(pattern.IsMatch("we*b"));
        Assert.False(pattern.IsMatch("weXb"));
    }

    [Fact]
    public void An_escaped_character_inside_brackets_is_literal()
    {
        var pattern = NamePattern.Parse("a[`]x]");
        Assert.True(pattern.IsMatch("a]"));
        Assert.True(pattern.IsMatch("ax"));
        Assert.False(pattern.IsMatch("ay"));
    }

    [Fact]
    public void Regex_metacharacters_in_names_are_plain_text()
    {
        Assert.True(NamePattern.Parse("job(1)*").IsMatch("job(1)-x"));
        Assert.True(NamePattern.Parse("^$|\\*").IsMatch("^$|\\x"));
    }

    [Fact]
    public void A_literal_matches_its_name_ignoring_case()
    {
        var pattern = NamePattern.Parse("Web");
        Assert.True(pattern.IsMatch("web"));
        Assert.False(pattern.IsMatch("webs"));
    }

    [Theory]
    [InlineData("tty[!1]", "tty!", true)]
    [InlineData("tty[!1]", "tty2", false)]
    [InlineData("tty[^1]", "tty^", true)]
    [InlineData("x[[:digit:]]", "x:]", true)]
    [InlineData("x[[:digit:]]", "x5", false)]
    public void Fnmatch_syntax_inside_brackets_is_plain_text_as_in_PowerShell(string pattern, string name, bool expected) =>
        Assert.Equal(expected, NamePattern.Parse(pattern).IsMatch(name));

    [Theory]
    [InlineData("[A-C]x", "bX", true)]
    [InlineData("[a-c]x", "BX", true)]
    [InlineData("[a-c]x", "dx", false)]
    public void Ranges_match_either_case(string pattern, string name, bool expected) =>
        Assert.Equal(expected, NamePattern.Parse(pattern).IsMatch(name));

    [Fact]
    public void A_long_name_matches_as_a_short_one_does()
    {
        var name = new string('a', 1000) + "Z";
        Assert.True(NamePattern.Parse("a*z").IsMatch(name));
        Assert.False(NamePattern.Parse("a*y").IsMatch(name));
    }

    [Fact]
    public void The_pattern_is_matched_by_the_one_glob_matcher()
    {
        Assert.Equal(@"\w\e\b*", NamePattern.Parse("WEB*").FnmatchPattern);
        Assert.Null(NamePattern.Parse("web").FnmatchPattern);
    }

    [Fact]
    public void Pick_takes_every_name_a_wildcard_matches_once() =>
        Assert.Equal(["web", "WEB-admin"], NamePattern.Parse("web*").Pick(["web", "WEB-admin", "api", "web"]));

    [Fact]
    public void Pick_takes_a_literal_spelled_exactly_so_over_other_casings() =>
        Assert.Equal(["web"], NamePattern.Parse("web").Pick(["WEB", "web", "Web"]));

    [Fact]
    public void Pick_falls_back_to_the_one_name_a_literal_matches_ignoring_case()
    {
        Assert.Equal(["Mixed"], NamePattern.Parse("mixed").Pick(["Mixed", "web"]));
        Assert.Empty(NamePattern.Parse("Web").Pick(["web", "WEB"]));
    }
}
