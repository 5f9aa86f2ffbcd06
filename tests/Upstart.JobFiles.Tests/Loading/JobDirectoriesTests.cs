using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

public sealed class JobDirectoriesTests
{
    [Fact]
    public void The_system_directory_is_etc_init() => Assert.Equal(["/etc/init"], JobDirectories.System);

    [Fact]
    public void Session_directories_default_to_the_xdg_locations()
    {
        var env = new Dictionary<string, string?> { ["HOME"] = "/home/u" };
        Assert.Equal(
            ["/home/u/.config/upstart", "/home/u/.init", "/etc/xdg/upstart", "/usr/share/upstart/sessions"],
            JobDirectories.Session(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void Session_directories_follow_xdg_variables_in_order()
    {
        var env = new Dictionary<string, string?>
        {
            ["HOME"] = "/home/u",
            ["XDG_CONFIG_HOME"] = "/cfg",
            ["XDG_CONFIG_DIRS"] = "/a:relative:/b",
        };
        Assert.Equal(
            ["/cfg/upstart", "/home/u/.init", "/a/upstart", "/b/upstart", "/usr/share/upstart/sessions"],
            JobDirectories.Session(k => env.GetValueOrDefault(k)));
    }
}
