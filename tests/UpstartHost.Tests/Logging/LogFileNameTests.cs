using UpstartHost.Logging;

namespace UpstartHost.Tests.Logging;

public sealed class LogFileNameTests
{
    [Theory]
    [InlineData("foo", "", "/var/log/upstart/foo.log")]
    [InlineData("foo", "bar", "/var/log/upstart/foo-bar.log")]
    [InlineData("foo/bar", "wibble", "/var/log/upstart/foo_bar-wibble.log")]
    [InlineData("a", "../../etc/passwd", "/var/log/upstart/a-.._.._etc_passwd.log")]
    public void Names_follow_Upstart_and_never_leave_the_directory(string job, string instance, string expected)
    {
        Assert.Equal(expected, LogFileName.For("/var/log/upstart", job, instance));
    }
}
