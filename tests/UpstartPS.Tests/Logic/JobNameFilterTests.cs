using UpstartPS.Matching;

namespace UpstartPS.Tests.Logic;

public sealed class JobNameFilterTests
{
    private static readonly string[] Known = ["web", "WEB", "web-admin", "Mixed", "worker"];

    private static string[] Kept(string[]? include, string[]? exclude) =>
        [.. Known.Where(new JobNameFilter(include, exclude, Known).Admits)];

    [Fact]
    public void With_neither_list_every_job_passes() =>
        Assert.Equal(Known, Kept(null, null));

    [Fact]
    public void Include_keeps_what_any_of_its_patterns_matches() =>
        Assert.Equal(["web-admin", "worker"], Kept(["*admin", "wor?er"], null));

    [Fact]
    public void Exclude_leaves_out_what_any_of_its_patterns_matches() =>
        Assert.Equal(["Mixed", "worker"], Kept(null, ["web*", "nothing"]));

    [Fact]
    public void A_job_both_include_and_exclude_match_is_left_out() =>
        Assert.Equal(["WEB", "web-admin"], Kept(["web*"], ["web"]));

    [Fact]
    public void A_wildcard_ignores_case() =>
        Assert.Equal(["Mixed"], Kept(["m*"], null));

    [Fact]
    public void A_literal_takes_the_name_spelled_exactly_so_when_there_is_one()
    {
        Assert.Equal(["web"], Kept(["web"], null));
        Assert.Equal(["WEB", "web-admin", "Mixed", "worker"], Kept(null, ["web"]));
    }

    [Fact]
    public void A_literal_falls_back_to_the_one_name_that_matches_ignoring_case() =>
        Assert.Equal(["Mixed"], Kept(["MIXED"], null));

    [Fact]
    public void A_literal_that_matches_several_names_only_ignoring_case_designates_none()
    {
        Assert.Empty(Kept(["Web"], null));
        Assert.Equal(Known, Kept(null, ["Web"]));
    }

    [Fact]
    public void A_name_outside_the_known_names_is_designated_by_no_literal()
    {
        var filter = new JobNameFilter(["ghost"], null, Known);
        Assert.False(filter.Admits("ghost"));
        Assert.True(new JobNameFilter(["gh*"], null, [.. Known, "ghost"]).Admits("ghost"));
    }
}
