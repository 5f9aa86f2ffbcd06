using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>$VAR expansion of instance names (UPSTART.md §b.3).</summary>
public sealed class VariableExpansionTests
{
    private static readonly Dictionary<string, string> Env = new() { ["TTY"] = "tty1", ["EMPTY"] = "" };

    [Theory]
    [InlineData("$TTY", "tty1")]
    [InlineData("${TTY}-x", "tty1-x")]
    [InlineData("${NOPE:-dflt}", "dflt")]
    [InlineData("${EMPTY:-dflt}", "dflt")]
    [InlineData("${EMPTY-dflt}", "")]
    [InlineData("${TTY:+alt}", "alt")]
    [InlineData("${NOPE+alt}", "")]
    [InlineData("${}", "$")]
    [InlineData("a$", "a$")]
    [InlineData("$1", "$1")]
    [InlineData("plain", "plain")]
    public void Supported_forms_expand(string pattern, string expected)
    {
        Assert.True(VariableExpansion.TryExpand(pattern, Env, out var result, out _));
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("$NOPE", "Unknown parameter: NOPE")]
    [InlineData("${NOPE}", "Unknown parameter: NOPE")]
    [InlineData("${TTY", "Mismatched braces")]
    public void Unknown_names_and_bad_syntax_fail(string pattern, string message)
    {
        Assert.False(VariableExpansion.TryExpand(pattern, Env, out _, out var error));
        Assert.Equal(message, error);
    }
}
