using UpstartHost.Processes.Cgroups;

namespace UpstartHost.Tests.Processes.Cgroups;

public class CgroupNamesTests
{
    [Theory]
    [InlineData("web", "j-web")]
    [InlineData("net/apache", "j-net%2Fapache")]
    [InlineData("..", "j-%2E%2E")]
    [InlineData("a\nb", "j-a%0Ab")]
    [InlineData("cgroup.procs", "j-cgroup%2Eprocs")]
    [InlineData("50%", "j-50%25")]
    [InlineData("é", "j-%C3%A9")]
    public void Hostile_job_names_become_one_plain_directory_name(string job, string expected)
    {
        Assert.Equal(expected, CgroupNames.ForJob(job));
    }

    [Fact]
    public void Each_instance_incarnation_has_its_own_name_and_the_empty_instance_has_one_too()
    {
        Assert.Equal("i-.7-1", CgroupNames.ForInstance("", "7-1"));
        Assert.Equal("i-eth0.7-2", CgroupNames.ForInstance("eth0", "7-2"));
        Assert.NotEqual(CgroupNames.ForInstance("a/b", "1"), CgroupNames.ForInstance("a_b", "1"));
    }

    [Fact]
    public void A_name_too_long_for_the_file_system_is_hashed()
    {
        var name = CgroupNames.ForJob(new string('/', 300));

        Assert.StartsWith("j-#", name, StringComparison.Ordinal);
        Assert.True(name.Length < 255);
        Assert.NotEqual(name, CgroupNames.ForJob(new string('/', 301)));
    }

    [Fact]
    public void Each_control_socket_has_its_own_daemon_directory()
    {
        Assert.Matches("^upstartps\\.[0-9a-f]{12}$", CgroupNames.ForDaemon("/run/upstartps/control.sock"));
        Assert.Equal(CgroupNames.ForDaemon("/a.sock"), CgroupNames.ForDaemon("/a.sock"));
        Assert.NotEqual(CgroupNames.ForDaemon("/a.sock"), CgroupNames.ForDaemon("/b.sock"));
    }
}
