using System.Collections;
using UpstartPS.Arguments;

namespace UpstartPS.Tests.Logic;

public sealed class EnvironmentArgumentsTests
{
    private static string? NoVariables(string name) => null;

    [Fact]
    public void Key_value_strings_are_kept_in_order() =>
        Assert.Equal(["B=2", "A=1"], EnvironmentArguments.Parse(["B=2", "A=1"], NoVariables));

    [Fact]
    public void A_value_may_contain_equals_signs_and_be_empty() =>
        Assert.Equal(["OPTS=a=b", "EMPTY="], EnvironmentArguments.Parse(["OPTS=a=b", "EMPTY="], NoVariables));

    [Fact]
    public void A_hashtable_becomes_entries_sorted_by_key()
    {
        var table = new Hashtable { ["PORT"] = 8080, ["HOST"] = "web1", ["DEBUG"] = true, ["NOTHING"] = null };
        Assert.Equal(["DEBUG=true", "HOST=web1", "NOTHING=", "PORT=8080"], EnvironmentArguments.Parse([table], NoVariables));
    }

    [Fact]
    public void Numbers_are_written_without_the_culture()
    {
        var table = new Hashtable { ["RATIO"] = 1.5 };
        Assert.Equal(["RATIO=1.5"], EnvironmentArguments.Parse([table], NoVariables));
    }

    [Fact]
    public void Hashtables_and_strings_mix() =>
        Assert.Equal(["A=1", "B=2"], EnvironmentArguments.Parse([new Hashtable { ["A"] = 1 }, "B=2"], NoVariables));

    [Fact]
    public void A_bare_key_takes_the_caller_s_variable_as_initctl_does() =>
        Assert.Equal(["HOME=/root"], EnvironmentArguments.Parse(["HOME"], n => n == "HOME" ? "/root" : null));

    [Fact]
    public void A_bare_key_with_no_such_variable_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => EnvironmentArguments.Parse(["MISSING"], NoVariables));
        Assert.Contains("MISSING", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=value")]
    [InlineData("1ABC=x")]
    [InlineData("A B=x")]
    [InlineData("A-B=x")]
    [InlineData("A;rm -rf /=x")]
    public void Malformed_keys_are_refused(string entry) =>
        Assert.Throws<ArgumentException>(() => EnvironmentArguments.Parse([entry], NoVariables));

    [Fact]
    public void Malformed_hashtable_keys_are_refused() =>
        Assert.Throws<ArgumentException>(() => EnvironmentArguments.Parse([new Hashtable { ["BAD KEY"] = 1 }], NoVariables));

    [Fact]
    public void Nothing_given_is_an_empty_environment()
    {
        Assert.Empty(EnvironmentArguments.Parse(null, NoVariables));
        Assert.Empty(EnvironmentArguments.Parse([null], NoVariables));
    }
}
