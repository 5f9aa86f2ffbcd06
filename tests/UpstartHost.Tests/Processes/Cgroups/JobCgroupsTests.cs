using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Processes.Cgroups;

namespace UpstartHost.Tests.Processes.Cgroups;

/// <summary>The cgroup bookkeeping on the real cgroup2 file system, without processes (those are in the integration tests).</summary>
public sealed class JobCgroupsTests : IDisposable
{
    private readonly string notCgroup = Directory.CreateTempSubdirectory("upstartps-notcgroup-").FullName;

    public void Dispose() => Directory.Delete(notCgroup, recursive: true);

    [Fact]
    public void Turned_off_or_pointed_at_a_directory_that_is_not_cgroup2_there_are_no_job_cgroups()
    {
        var off = JobCgroups.Create(new JobCgroupOptions { Enabled = false, SocketPath = "/x.sock" }, NullLogger.Instance);
        var plain = JobCgroups.Create(new JobCgroupOptions { Root = notCgroup, SocketPath = "/x.sock" }, NullLogger.Instance);

        Assert.False(off.Available);
        Assert.False(plain.Available);
        Assert.Null(plain.Enter("web", ""));
        Assert.Empty(Directory.GetFileSystemEntries(notCgroup));
    }

    [RootFact]
    public async Task An_instance_cgroup_lives_from_its_first_process_until_it_finishes()
    {
        var cgroups = JobCgroups.Create(new JobCgroupOptions { SocketPath = "/tmp/" + Guid.NewGuid().ToString("N") + ".sock" }, NullLogger.Instance);
        Assert.True(cgroups.Available, "needs cgroup v2 with cgroup.kill, writable by root, on the test machine");
        try
        {
            var first = cgroups.Enter("net/web", "eth0")!;
            Assert.Equal(first, cgroups.Enter("net/web", "eth0"));
            Assert.True(File.Exists(Path.Combine(first, "cgroup.procs")));
            Assert.StartsWith(Path.Combine(cgroups.Directory!, "j-net%2Fweb", "i-eth0."), first, StringComparison.Ordinal);

            cgroups.Release("net/web", "eth0");
            await WaitUntilAsync(() => !Directory.Exists(first));

            var second = cgroups.Enter("net/web", "eth0")!;
            Assert.NotEqual(first, second);
        }
        finally
        {
            await cgroups.KillAllAsync();
        }

        Assert.False(Directory.Exists(cgroups.Directory));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
