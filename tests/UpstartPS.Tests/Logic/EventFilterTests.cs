using UpstartPS.Matching;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class EventFilterTests
{
    private static readonly EventInfo Started = new() { Name = "started", Environment = ["JOB=web", "INSTANCE="] };
    private static readonly EventInfo Deploy = new() { Name = "deploy", Environment = ["VERSION=2"] };
    private static readonly EventInfo Running = new() { Kind = "state", Name = "worker", Job = "worker", State = "running", Goal = "start" };

    [Fact]
    public void Everything_passes_by_default() =>
        Assert.All(new[] { Started, Deploy, Running }, e => Assert.True(new EventFilter(null, null).Matches(e)));

    [Fact]
    public void Names_filter_by_wildcard()
    {
        var filter = new EventFilter(["start*"], null);
        Assert.True(filter.Matches(Started));
        Assert.False(filter.Matches(Deploy));
    }

    [Fact]
    public void Names_match_a_state_change_by_its_job_name_as_the_daemon_sends_it_not_by_its_state()
    {
        Assert.True(new EventFilter(["work*"], null).Matches(Running));
        Assert.False(new EventFilter(["running"], null).Matches(Running));
    }

    [Fact]
    public void Jobs_match_state_changes_and_the_JOB_variable_of_events()
    {
        var filter = new EventFilter(null, ["web", "work*"]);
        Assert.True(filter.Matches(Started));
        Assert.True(filter.Matches(Running));
        Assert.False(filter.Matches(Deploy));
    }
}
