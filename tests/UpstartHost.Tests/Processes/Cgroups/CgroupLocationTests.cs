using UpstartHost.Processes.Cgroups;

namespace UpstartHost.Tests.Processes.Cgroups;

public class CgroupLocationTests
{
    private const string Hybrid = """
        30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    [Fact]
    public void A_hybrid_host_finds_the_unified_mount_not_a_hard_coded_path()
    {
        var dir = CgroupLocation.Resolve(Lines(Hybrid), ["4:memory:/x", "0::/"], out var reason);

        Assert.Equal("/sys/fs/cgroup/unified", dir);
        Assert.Null(reason);
    }

    [Fact]
    public void The_daemons_own_cgroup_is_joined_to_the_mount_point()
    {
        var mountinfo = Lines("25 20 0:22 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate");

        Assert.Equal(
            "/sys/fs/cgroup/system.slice/upstartps.service",
            CgroupLocation.Resolve(mountinfo, ["0::/system.slice/upstartps.service"], out _));
    }

    [Fact]
    public void A_mount_of_a_subtree_strips_its_root_and_refuses_a_cgroup_outside_it()
    {
        var mountinfo = Lines(@"25 20 0:22 /lxc/c1 /mnt/my\040cgroups rw - cgroup2 cgroup2 rw");

        Assert.Equal("/mnt/my cgroups/svc", CgroupLocation.Resolve(mountinfo, ["0::/lxc/c1/svc"], out _));
        Assert.Null(CgroupLocation.Resolve(mountinfo, ["0::/lxc/c10/svc"], out var reason));
        Assert.Contains("is not below", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_cgroup2_mount_or_membership_there_is_no_directory_and_a_reason()
    {
        Assert.Null(CgroupLocation.Resolve(Lines("34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"), ["0::/"], out var noMount));
        Assert.Equal("no cgroup2 file system is mounted", noMount);
        Assert.Null(CgroupLocation.Resolve(Lines(Hybrid), ["4:memory:/x"], out var noMembership));
        Assert.Equal("this process has no cgroup v2 membership", noMembership);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
