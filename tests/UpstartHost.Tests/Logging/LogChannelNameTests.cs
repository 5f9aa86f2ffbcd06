using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

/// <summary>FDNAME= of a `console log` channel in systemd's store: always a valid fd name, one key per instance.</summary>
public sealed class LogChannelNameTests
{
    [Theory]
    [InlineData("web", "", "log.ab12-1.web.")]
    [InlineData("foo/bar", "wibble", "log.ab12-1.foo%2Fbar.wibble")]
    [InlineData("a", "x:y.z %", "log.ab12-1.a.x%3Ay%2Ez%20%25")]
    [InlineData("a", "é", "log.ab12-1.a.%C3%A9")]
    public void Names_are_readable_and_escape_everything_but_letters_digits_dash_and_underscore(string job, string instance, string expected)
    {
        var name = LogChannelName.For("ab12-1", job, instance);

        Assert.Equal(expected, name);
        Assert.True(LogChannelName.IsValidFdName(name));
        Assert.Equal(LogChannelName.Key(job, instance), LogChannelName.KeyOf(name));
    }

    [Theory]
    [InlineData("a.b", "c", "a", "b.c")]
    [InlineData("a", "%2E", "a", ".")]
    [InlineData("a", "\uFFFD", "a", "\uD800")]
    [InlineData("a", "", "a.", "")]
    public void Different_instances_never_share_a_key(string job1, string instance1, string job2, string instance2)
    {
        Assert.NotEqual(LogChannelName.Key(job1, instance1), LogChannelName.Key(job2, instance2));
    }

    [Theory]
    [InlineData(300, "")]
    [InlineData(10, "\n\0:\u0001\uD800")]
    [InlineData(1, "::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::::")]
    public void Hostile_or_long_names_still_make_a_valid_name_of_at_most_255_characters(int jobLength, string instance)
    {
        var job = new string('j', jobLength);
        var name = LogChannelName.For("ffffffff-4294967295", job, instance);

        Assert.True(name.Length <= LogChannelName.MaxLength, name);
        Assert.True(LogChannelName.IsValidFdName(name), name);
        Assert.Equal(LogChannelName.Key(job, instance), LogChannelName.KeyOf(name));
        Assert.NotEqual(LogChannelName.Key(job, instance), LogChannelName.Key(job, instance + "x"));
    }

    [Theory]
    [InlineData("stored")]
    [InlineData("log.")]
    [InlineData("log.abc")]
    [InlineData("log.abc.")]
    [InlineData("log..web.")]
    [InlineData("log.a_b.web.")]
    [InlineData("log.abc.web\n")]
    [InlineData("log.abc.we/b")]
    public void Names_this_daemon_did_not_make_have_no_key(string name)
    {
        Assert.Null(LogChannelName.KeyOf(name));
    }

    [Fact]
    public void A_serial_must_be_plain()
    {
        Assert.Throws<ArgumentException>(() => LogChannelName.For("a.b", "web", ""));
        Assert.Throws<ArgumentException>(() => LogChannelName.For("", "web", ""));
    }
}
