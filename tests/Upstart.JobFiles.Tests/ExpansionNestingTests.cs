using Upstart.JobFiles.Events.Matching;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests;

/// <summary>
/// Deeply nested `${` can no longer overflow the stack: the parser refuses the file with its place, and
/// expansion itself stops at <see cref="VariableExpansion.MaxNesting"/> (issue: 40,000 nested `${`
/// aborted the daemon at load, reload and start, while `check` said "syntax ok").
/// </summary>
public class ExpansionNestingTests
{
    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("${A:-", depth)) + "x" + new string('}', depth);

    [Theory]
    [InlineData("start on e V={0}\nexec true\n")]
    [InlineData("stop on e V={0}\nexec true\n")]
    [InlineData("instance {0}\nexec true\n")]
    [InlineData("env X={0}\nexec true\n")]
    public void A_job_file_nesting_forty_thousand_deep_is_refused_at_the_first_brace_past_the_limit(string template)
    {
        var text = "description \"d\"\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Nested(40_000));
        var result = JobFileParser.Parse("deep", "/etc/init/deep.conf", text);

        Assert.Null(result.Config);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal((ExpansionNesting.TooDeepKind, VariableExpansion.TooDeepMessage, 2), (d.Kind, d.Message, d.Line));
        var column = text.Split('\n')[1].IndexOf("${", StringComparison.Ordinal) + 1 + ("${A:-".Length * VariableExpansion.MaxNesting);
        Assert.Equal(column, d.Column);
    }

    [Fact]
    public void Nesting_up_to_the_limit_parses_and_expands()
    {
        var result = JobFileParser.Parse("ok", "/etc/init/ok.conf", $"instance {Nested(VariableExpansion.MaxNesting)}\nexec true\n");
        Assert.Empty(result.Diagnostics);
        Assert.True(VariableExpansion.TryExpand(result.Config!.Instance, new Dictionary<string, string>(), out var value, out _));
        Assert.Equal("x", value);
    }

    [Fact]
    public void An_override_nested_too_deeply_applies_nothing_and_is_reported()
    {
        var parsed = JobFileParser.Parse("j", "/etc/init/j.conf", "exec true\n").Config!;
        var result = JobFileParser.ApplyOverride(parsed, "/etc/init/j.override", $"manual\ninstance {Nested(5_000)}\n");
        Assert.Same(parsed, result.Config);
        Assert.Equal(ExpansionNesting.TooDeepKind, Assert.Single(result.Diagnostics).Kind);
    }

    [Fact]
    public void Expansion_itself_stops_past_the_limit_with_an_error_instead_of_overflowing_the_stack()
    {
        Assert.False(VariableExpansion.TryExpand(Nested(40_000), new Dictionary<string, string>(), out _, out var error));
        Assert.Equal(VariableExpansion.TooDeepMessage, error);
    }
}
