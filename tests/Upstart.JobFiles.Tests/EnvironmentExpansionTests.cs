using Upstart.JobFiles.Events.Matching;
using static Upstart.JobFiles.Tests.EventTrees;

namespace Upstart.JobFiles.Tests;

/// <summary>VariableExpansion: Upstart's environ_expand forms and error messages (UPSTART.md §b.3).</summary>
public class EnvironmentExpansionTests
{
    private static readonly Dictionary<string, string> Environment = Env("FOO=bar", "EMPTY=", "NAME=FOO", "PAT=eth*");

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("$FOO", "bar")]
    [InlineData("${FOO}", "bar")]
    [InlineData("${FOO}x", "barx")]
    [InlineData("a-$FOO-b", "a-bar-b")]
    [InlineData("$PAT", "eth*")]
    [InlineData("${MISSING:-def}", "def")]
    [InlineData("${EMPTY:-def}", "def")]
    [InlineData("${EMPTY-def}", "")]
    [InlineData("${FOO:-def}", "bar")]
    [InlineData("${MISSING-def}", "def")]
    [InlineData("${FOO:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${MISSING+alt}", "")]
    [InlineData("${MISSING:+alt}", "")]
    [InlineData("${}", "$")]
    [InlineData("${}FOO", "$FOO")]
    [InlineData("a$", "a$")]
    [InlineData("$1", "$1")]
    [InlineData("$ x", "$ x")]
    [InlineData("${$NAME}", "bar")]
    [InlineData("${A:-${B:-c}}", "c")]
    [InlineData("${MISSING:-a}b}", "ab}")]
    [InlineData("${MISSING:-x:y-z+w}", "x:y-z+w")]
    public void Expands_every_supported_form(string text, string expected)
    {
        Assert.True(VariableExpansion.TryExpand(text, Environment, out var result, out var error), error);
        Assert.Equal(expected, result);
    }

    [Theory]
    [InlineData("$MISSING", "Unknown parameter: MISSING")]
    [InlineData("$FOOx", "Unknown parameter: FOOx")]
    [InlineData("${MISSING}", "Unknown parameter: MISSING")]
    [InlineData("${FOO", "Mismatched braces")]
    [InlineData("${FOO:-x", "Mismatched braces")]
    [InlineData("${1X}", "Illegal parameter: 1X")]
    [InlineData("${", "Illegal parameter: ")]
    [InlineData("${FOO:x}", "Expected operator")]
    [InlineData("${FOO=x}", "Illegal parameter: FOO=x")]
    [InlineData("${MISSING:-$ALSO_MISSING}", "Unknown parameter: ALSO_MISSING")]
    [InlineData("${FOO:-$ALSO_MISSING}", "Unknown parameter: ALSO_MISSING")]
    public void Reports_Upstarts_error_message(string text, string message)
    {
        Assert.False(VariableExpansion.TryExpand(text, Environment, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("${FOO:-x}", "x")]
    [InlineData("${FOO-x}", "x")]
    [InlineData("${FOO:+x}", "")]
    [InlineData("${FOO+x}", "")]
    [InlineData("${}", "$")]
    [InlineData("no-variables", "no-variables")]
    public void Without_an_environment_only_forms_needing_no_variable_expand(string text, string expected)
    {
        Assert.True(VariableExpansion.TryExpand(text, null, out var result, out _));
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Without_an_environment_a_plain_reference_is_unknown()
    {
        Assert.False(VariableExpansion.TryExpand("$FOO", null, out _, out var error));
        Assert.Equal("Unknown parameter: FOO", error);
    }

    [Fact]
    public void Substituted_values_are_not_expanded_again()
    {
        Assert.True(VariableExpansion.TryExpand("$V", Env("V=$FOO"), out var result, out _));
        Assert.Equal("$FOO", result);
    }

    [Theory]
    [InlineData("FOO", true)]
    [InlineData("_x9", true)]
    [InlineData("9x", false)]
    [InlineData("", false)]
    [InlineData("A-B", false)]
    public void Names_are_letters_digits_and_underscores_not_starting_with_a_digit(string name, bool valid)
    {
        Assert.Equal(valid, VariableExpansion.IsValidName(name));
    }
}
