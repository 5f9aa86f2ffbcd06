using UpstartPS.Matching;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class JobCheckTests
{
    private static readonly JobInfo[] Jobs =
    [
        new() { Name = "web", Goal = "start", State = "running", HasInstance = true },
        new() { Name = "db", Goal = "stop", State = "waiting", Disabled = true },
    ];

    private static bool Check(string name, string? state = null, string? goal = null, bool? disabled = null) =>
        JobCheck.Passes(JobSelection.Select(Jobs, [name]), state, goal, disabled);

    [Fact]
    public void An_existing_job_passes_with_no_conditions() => Assert.True(Check("web"));

    [Fact]
    public void A_missing_job_is_false_not_an_error()
    {
        Assert.False(Check("ghost"));
        Assert.False(Check("ghost*"));
    }

    [Fact]
    public void State_goal_and_disabled_must_all_hold()
    {
        Assert.True(Check("web", state: "RUNNING", goal: "start", disabled: false));
        Assert.False(Check("web", state: "waiting"));
        Assert.False(Check("web", goal: "stop"));
        Assert.True(Check("db", disabled: true));
        Assert.False(Check("db", disabled: false));
    }

    [Fact]
    public void A_wildcard_passes_only_when_everything_it_selects_passes()
    {
        Assert.False(JobCheck.Passes(JobSelection.Select(Jobs, ["*"]), "running", null, null));
        Assert.True(JobCheck.Passes(JobSelection.Select(Jobs, ["w*"]), "running", null, null));
    }

    [Fact]
    public void A_literal_instance_one_of_the_named_jobs_lacks_is_false()
    {
        JobInfo[] jobs = [new() { Name = "tty", Instance = "tty1", HasInstance = true }, new() { Name = "getty", Instance = "tty2", HasInstance = true }];
        Assert.True(JobCheck.Passes(JobSelection.Select(jobs, ["tty"], "tty1"), null, null, null));
        Assert.False(JobCheck.Passes(JobSelection.Select(jobs, ["tty", "getty"], "tty1"), null, null, null));
    }
}
