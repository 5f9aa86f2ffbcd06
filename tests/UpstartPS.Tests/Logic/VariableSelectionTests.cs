using UpstartPS.Matching;

namespace UpstartPS.Tests.Logic;

public sealed class VariableSelectionTests
{
    private static readonly string[] Table = ["TERM=linux", "PATH=/usr/bin:/bin", "HTTP_PROXY=http://p:3128", "http_port=80", "EMPTY=", "EQ=a=b", "Mixed=1"];

    private static IEnumerable<string> Names(VariableSelectionResult r) => r.Variables.Select(v => v.Name);

    [Fact]
    public void No_names_selects_every_variable_sorted_by_name_as_initctl_sorts() =>
        Assert.Equal(["EMPTY", "EQ", "HTTP_PROXY", "Mixed", "PATH", "TERM", "http_port"], Names(VariableSelection.Select(Table, null)));

    [Fact]
    public void A_value_is_everything_after_the_first_equals_sign()
    {
        var variables = VariableSelection.Select(Table, ["EQ", "EMPTY"]).Variables;
        Assert.Equal([("EMPTY", ""), ("EQ", "a=b")], variables);
    }

    [Fact]
    public void A_wildcard_matches_ignoring_case_as_Get_Service_does() =>
        Assert.Equal(["HTTP_PROXY", "http_port"], Names(VariableSelection.Select(Table, ["http*"])));

    [Fact]
    public void A_wildcard_that_matches_nothing_is_silent()
    {
        var result = VariableSelection.Select(Table, ["NOTHING*"]);
        Assert.Empty(result.Variables);
        Assert.Empty(result.NotFound);
    }

    [Fact]
    public void A_literal_name_that_is_not_set_is_reported_and_the_others_are_still_selected()
    {
        var result = VariableSelection.Select(Table, ["GHOST", "TERM"]);
        Assert.Equal(["TERM"], Names(result));
        Assert.Equal(["GHOST"], result.NotFound);
    }

    [Fact]
    public void A_literal_name_prefers_the_exact_spelling_and_falls_back_to_a_unique_case_insensitive_match()
    {
        Assert.Equal(["Mixed"], Names(VariableSelection.Select(Table, ["mixed"])));
        var ambiguous = VariableSelection.Select(["web=1", "WEB=2"], ["Web"]);
        Assert.Empty(ambiguous.Variables);
        Assert.Equal(["Web"], ambiguous.NotFound);
        Assert.Equal([("WEB", "2")], VariableSelection.Select(["web=1", "WEB=2"], ["WEB"]).Variables);
    }

    [Fact]
    public void A_variable_selected_twice_is_written_once() =>
        Assert.Equal(["PATH"], Names(VariableSelection.Select(Table, ["PATH", "P*", "path"])));

    [Fact]
    public void An_escaped_wildcard_character_is_literal() =>
        Assert.Equal(["A*"], Names(VariableSelection.Select(["A*=1", "AB=2"], ["A`*"])));

    [Fact]
    public void An_entry_without_an_equals_sign_is_a_variable_with_the_empty_value() =>
        Assert.Equal(("BARE", ""), VariableSelection.Split("BARE"));
}
