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

    [RootFact]
    public async Task A_jobs_cgroup_directory_goes_with_the_last_of_its_instances()
    {
        var cgroups = JobCgroups.Create(new JobCgroupOptions { SocketPath = "/tmp/" + Guid.NewGuid().ToString("N") + ".sock" }, NullLogger.Instance);
        Assert.True(cgroups.Available, "needs cgroup v2 with cgroup.kill, writable by root, on the test machine");
        try
        {
            var removedJob = Path.GetDirectoryName(cgroups.Enter("dyn-1", "")!)!;
            var first = cgroups.Enter("web", "a")!;
            var second = cgroups.Enter("web", "b")!;
            var web = Path.GetDirectoryName(first)!;

            // A job whose file was removed, its instance stopped: nothing of it is left (it used to stay until the exit).
            cgroups.Release("dyn-1", "");
            await WaitUntilAsync(() => !Directory.Exists(removedJob));

            // One instance of two finished: the job's directory stays for the other.
            cgroups.Release("web", "a");
            await WaitUntilAsync(() => !Directory.Exists(first));
            Assert.True(Directory.Exists(second));
            Assert.True(Directory.Exists(web));

            // The last one ended by itself and left nothing running.
            cgroups.LetGo("web", "b");
            await WaitUntilAsync(() => !Directory.Exists(web));
            Assert.Empty(Directory.GetDirectories(cgroups.Directory!));

            Assert.StartsWith(web + "/i-c.", cgroups.Enter("web", "c"), StringComparison.Ordinal);
        }
        finally
        {
            await cgroups.KillAllAsync();
        }

        Assert.False(Directory.Exists(cgroups.Directory));
    }

    [Theory]
    [InlineData("/cg/upstartps.1/j-web/i-eth0.41-3", true)]
    [InlineData("/cg/upstartps.1/j-web/i-eth0.41-3/", false)]
    [InlineData("/cg/upstartps.1/j-web/./i-eth0.41-3", true)]
    [InlineData("/cg/upstartps.1/j-web/i-eth0.", false)]
    [InlineData("/cg/upstartps.1/j-web/i-eth0.41-3x", false)]
    [InlineData("/cg/upstartps.1/j-web/i-eth1.41-3", false)]
    [InlineData("/cg/upstartps.1/j-db/i-eth0.41-3", false)]
    [InlineData("/cg/upstartps.1/j-web/i-eth0.41-3/i-eth0.41-3", false)]
    [InlineData("/cg/upstartps.1/j-web/../j-db/i-eth0.41-3", false)]
    [InlineData("/cg/upstartps.2/j-web/i-eth0.41-3", false)]
    [InlineData("/cg/upstartps.1", false)]
    [InlineData("/cg", false)]
    [InlineData("/", false)]
    [InlineData("cg/upstartps.1/j-web/i-eth0.41-3", false)]
    [InlineData("/cg/upstartps.1/j-web/i-eth0.41-3\0", false)]
    public void A_recorded_cgroup_is_resumed_only_if_it_is_one_this_daemon_makes_for_that_instance(string path, bool resumed)
    {
        Assert.Equal(resumed, JobCgroups.IsInstanceCgroup("/cg/upstartps.1", "web", "eth0", path));
    }

    [RootFact]
    public async Task A_resumed_cgroup_is_the_instances_again_and_a_name_still_taken_is_never_reused()
    {
        var socket = "/tmp/" + Guid.NewGuid().ToString("N") + ".sock";
        var before = JobCgroups.Create(new JobCgroupOptions { SocketPath = socket }, NullLogger.Instance);
        Assert.True(before.Available, "needs cgroup v2 with cgroup.kill, writable by root, on the test machine");

        // The daemon after a re-exec: same pid, same directory, its counter starting again.
        var after = JobCgroups.Create(new JobCgroupOptions { SocketPath = socket }, NullLogger.Instance);
        try
        {
            // eth1's is the first name either counter makes: `after` must not hand it out again.
            var other = before.Enter("web", "eth1")!;
            var recorded = before.Enter("web", "eth0")!;

            after.Resume("web", "eth0", recorded);
            after.Resume("web", "eth2", other);

            Assert.Equal(recorded, after.PathOf("web", "eth0"));
            Assert.Equal(recorded, after.Enter("web", "eth0"));
            Assert.Null(after.PathOf("web", "eth2"));
            var fresh = after.Enter("web", "eth1")!;
            Assert.NotEqual(other, fresh);

            after.Release("web", "eth0");
            await WaitUntilAsync(() => !Directory.Exists(recorded));
        }
        finally
        {
            await after.KillAllAsync();
        }
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
