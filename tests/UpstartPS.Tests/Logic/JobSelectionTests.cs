using UpstartPS.Matching;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class JobSelectionTests
{
    private static readonly JobInfo[] Jobs =
    [
        new() { Name = "web", Goal = "start", State = "running", HasInstance = true },
        new() { Name = "web-admin", Goal = "stop", State = "waiting" },
        new() { Name = "tty", Instance = "tty1", Goal = "start", State = "running", HasInstance = true },
        new() { Name = "tty", Instance = "tty2", Goal = "start", State = "running", HasInstance = true },
        new() { Name = "worker", Goal = "start", State = "pre-start", HasInstance = true },
        new() { Name = "Mixed", Goal = "stop", State = "waiting" },
    ];

    private static IEnumerable<string> Keys(SelectionResult r) => r.Jobs.Select(j => j.Instance.Length == 0 ? j.Name : $"{j.Name}/{j.Instance}");

    [Fact]
    public void No_names_selects_every_job_in_the_daemon_s_order() =>
        Assert.Equal(["web", "web-admin", "tty/tty1", "tty/tty2", "worker", "Mixed"], Keys(JobSelection.Select(Jobs, null)));

    [Fact]
    public void A_wildcard_selects_every_matching_job() =>
        Assert.Equal(["web", "web-admin"], Keys(JobSelection.Select(Jobs, ["web*"])));

    [Fact]
    public void A_wildcard_that_matches_nothing_is_silent()
    {
        var result = JobSelection.Select(Jobs, ["nothing*"]);
        Assert.Empty(result.Jobs);
        Assert.Empty(result.NotFound);
    }

    [Fact]
    public void A_literal_name_that_matches_nothing_is_reported()
    {
        var result = JobSelection.Select(Jobs, ["web", "nope"]);
        Assert.Equal(["web"], Keys(result));
        Assert.Equal(["nope"], result.NotFound);
    }

    [Fact]
    public void A_literal_name_is_exact_not_a_prefix() =>
        Assert.Equal(["web"], Keys(JobSelection.Select(Jobs, ["web"])));

    [Fact]
    public void A_literal_name_falls_back_to_a_unique_case_insensitive_match() =>
        Assert.Equal(["Mixed"], Keys(JobSelection.Select(Jobs, ["mixed"])));

    [Fact]
    public void A_literal_name_is_not_guessed_when_case_folding_is_ambiguous()
    {
        JobInfo[] jobs = [new() { Name = "web" }, new() { Name = "WEB" }];
        var result = JobSelection.Select(jobs, ["Web"]);
        Assert.Empty(result.Jobs);
        Assert.Equal(["Web"], result.NotFound);
    }

    [Fact]
    public void Overlapping_patterns_never_select_an_instance_twice() =>
        Assert.Equal(["web", "web-admin"], Keys(JobSelection.Select(Jobs, ["web*", "web", "*admin"])));

    [Fact]
    public void The_instance_filter_takes_literals_and_wildcards()
    {
        Assert.Equal(["tty/tty2"], Keys(JobSelection.Select(Jobs, ["tty"], "tty2")));
        Assert.Equal(["tty/tty1", "tty/tty2"], Keys(JobSelection.Select(Jobs, ["*"], "tty*")));
    }

    [Fact]
    public void The_state_filter_ignores_case() =>
        Assert.Equal(["worker"], Keys(JobSelection.Select(Jobs, ["*"], states: ["PRE-START"])));

    [Fact]
    public void A_literal_name_filtered_out_by_state_is_not_an_error()
    {
        var result = JobSelection.Select(Jobs, ["web-admin"], states: ["running"]);
        Assert.Empty(result.Jobs);
        Assert.Empty(result.NotFound);
    }

    [Fact]
    public void A_literal_instance_a_literal_job_does_not_have_is_reported()
    {
        var result = JobSelection.Select(Jobs, ["tty", "web"], "gamma");
        Assert.Empty(result.Jobs);
        Assert.Empty(result.NotFound);
        Assert.Equal([new MissingInstance("tty", "gamma"), new MissingInstance("web", "gamma")], result.MissingInstances);
    }

    [Fact]
    public void A_wildcard_instance_or_job_name_that_matches_nothing_is_silent()
    {
        Assert.Empty(JobSelection.Select(Jobs, ["tty"], "zz*").MissingInstances);
        Assert.Empty(JobSelection.Select(Jobs, ["t*"], "gamma").MissingInstances);
    }

    [Fact]
    public void A_literal_instance_the_job_has_is_not_missing_even_when_filtered_out_by_state() =>
        Assert.Empty(JobSelection.Select(Jobs, ["tty"], "tty1", ["waiting"]).MissingInstances);

    [Fact]
    public void Exclude_without_names_selects_every_job_but_those_it_matches() =>
        Assert.Equal(["tty/tty1", "tty/tty2", "worker", "Mixed"], Keys(JobSelection.Select(Jobs, null, exclude: ["web*"])));

    [Fact]
    public void Include_keeps_only_what_it_matches_of_what_the_names_selected() =>
        Assert.Equal(["web-admin"], Keys(JobSelection.Select(Jobs, ["web*", "worker"], include: ["*admin", "tty"])));

    [Fact]
    public void Exclude_wins_over_include() =>
        Assert.Equal(["web-admin"], Keys(JobSelection.Select(Jobs, ["*"], include: ["web*"], exclude: ["web"])));

    [Fact]
    public void A_literal_name_left_out_by_exclude_is_not_reported()
    {
        var result = JobSelection.Select(Jobs, ["web", "web-admin"], exclude: ["web"]);
        Assert.Equal(["web-admin"], Keys(result));
        Assert.Empty(result.NotFound);
    }

    [Fact]
    public void A_literal_instance_of_an_excluded_job_is_not_reported_missing()
    {
        var result = JobSelection.Select(Jobs, ["tty", "web"], "gamma", exclude: ["tty"]);
        Assert.Equal([new MissingInstance("web", "gamma")], result.MissingInstances);
    }

    [Fact]
    public void Include_and_exclude_match_the_job_name_not_the_instance()
    {
        Assert.Empty(JobSelection.Select(Jobs, ["tty"], include: ["tty1"]).Jobs);
        Assert.Equal(["tty/tty1", "tty/tty2"], Keys(JobSelection.Select(Jobs, ["tty"], exclude: ["tty1", "tty (tty1)"])));
    }

    [Fact]
    public void Include_and_exclude_fold_case_as_names_do()
    {
        Assert.Equal(["Mixed"], Keys(JobSelection.Select(Jobs, null, include: ["MIX*"])));
        Assert.Equal(["Mixed"], Keys(JobSelection.Select(Jobs, null, include: ["mixed"])));
        Assert.Equal(["web", "worker"], Keys(JobSelection.Select(Jobs, ["w*"], exclude: ["WEB-ADMIN"])));
    }
}
