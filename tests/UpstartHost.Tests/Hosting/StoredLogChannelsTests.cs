using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Hosting;
using UpstartHost.Logging;

namespace UpstartHost.Tests.Hosting;

/// <summary>LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES, and which inherited channel belongs to which recorded instance.</summary>
public sealed class StoredLogChannelsTests
{
    private static InstanceRecord Record(string job, string instance, JobState state = JobState.Running) =>
        new(job, instance, JobGoal.Start, state, [], 0, null, [], null, null);

    [Fact]
    public void Descriptors_are_numbered_from_3_and_named_in_order()
    {
        Assert.Equal([(3, "a"), (4, ""), (5, "c")], ListenFds.Parse("42", "3", "a::c", 42));
    }

    [Theory]
    [InlineData("41", "2", "a:b")]
    [InlineData("", "2", "a:b")]
    [InlineData("42", "0", "")]
    [InlineData("42", "-1", "")]
    [InlineData("42", "x", "")]
    [InlineData("42", "99999999", "")]
    [InlineData(" 42", "2", "a:b")]
    public void Descriptors_meant_for_another_process_or_a_bad_count_are_none(string pid, string count, string names)
    {
        Assert.Empty(ListenFds.Parse(pid, count, names, 42));
    }

    [Fact]
    public void Names_that_do_not_match_the_count_are_dropped()
    {
        Assert.Equal([(3, (string?)null), (4, null)], ListenFds.Parse("42", "2", "a:b:c", 42));
        Assert.Equal([(3, (string?)null)], ListenFds.Parse("42", "1", null, 42));
    }

    [Fact]
    public void A_channel_of_a_recorded_instance_that_is_a_pty_is_read_into_its_log_and_every_other_descriptor_is_left_over()
    {
        var web = LogChannelName.For("a-1", "web", "");
        var webAgain = LogChannelName.For("b-7", "web", "");
        var worker = LogChannelName.For("a-2", "worker", "x/1");
        var waiting = LogChannelName.For("a-3", "idle", "");
        var gone = LogChannelName.For("a-4", "deleted", "");
        var notPty = LogChannelName.For("a-5", "web", "");
        (int, string?)[] inherited = [(3, web), (4, worker), (5, waiting), (6, gone), (7, "stored"), (8, null), (9, notPty), (10, webAgain)];

        var (matched, leftOver) = StoredLogChannels.Match(
            inherited,
            [Record("web", ""), Record("worker", "x/1", JobState.PreStart), Record("idle", "", JobState.Waiting)],
            "/var/log/upstart",
            fd => fd != 9);

        Assert.Equal(
            [new LogChannel(3, "/var/log/upstart/web.log", web), new LogChannel(4, "/var/log/upstart/worker-x_1.log", worker), new LogChannel(10, "/var/log/upstart/web.log", webAgain)],
            matched);
        Assert.Equal([(5, waiting), (6, gone), (7, "stored"), (8, null), (9, notPty)], leftOver);
    }
}
