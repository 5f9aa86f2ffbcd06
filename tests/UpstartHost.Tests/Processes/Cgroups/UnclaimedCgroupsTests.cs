using UpstartHost.Processes.Cgroups;
using UpstartHost.Tests.Engine;

namespace UpstartHost.Tests.Processes.Cgroups;

/// <summary>
/// <see cref="JobCgroups.RemoveUnclaimed"/> on a plain directory tree standing in for the daemon's cgroup directory.
/// A file in a directory makes rmdir fail as processes in a cgroup do, so `cgroup.procs` with pids in it plays a
/// cgroup that still holds processes.
/// </summary>
public sealed class UnclaimedCgroupsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-cgroups-").FullName;
    private readonly CapturingLogger<JobCgroups> logger = new();

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_cgroups_no_resumed_instance_took_back_are_removed_with_their_emptied_job_directory()
    {
        var resumed = Make("j-web", "i-eth0.41-1");
        var ended = Make("j-web", "i-eth1.41-2");
        var jobGone = Make("j-db", "i-.41-3");
        var notOurs = Make("other", "i-.41-4");
        var cgroups = new JobCgroups(directory, logger);
        cgroups.Resume("web", "eth0", resumed);
        var fresh = cgroups.Enter("web", "eth2")!;

        Assert.Equal(2, cgroups.RemoveUnclaimed());

        Assert.False(Directory.Exists(ended));
        Assert.False(Directory.Exists(Path.GetDirectoryName(jobGone)));
        Assert.True(Directory.Exists(resumed));
        Assert.True(Directory.Exists(fresh));
        Assert.True(Directory.Exists(notOurs));
        Assert.Empty(logger.Warnings);
    }

    [Fact]
    public void One_that_still_holds_processes_is_left_running_and_named_in_a_warning()
    {
        var occupied = Make("j-web", "i-.41-1");
        File.WriteAllText(Path.Combine(occupied, "cgroup.procs"), "1234\n5678\n");
        var cgroups = new JobCgroups(directory, logger);

        Assert.Equal(0, cgroups.RemoveUnclaimed());

        Assert.True(File.Exists(Path.Combine(occupied, "cgroup.procs")));
        Assert.Equal(
            [$"Job cgroup {occupied} holds 2 processes that no resumed instance took back: they are left running unsupervised, and the daemon's exit kills them"],
            logger.Warnings);
    }

    [Fact]
    public async Task One_this_daemon_is_still_removing_after_its_instance_finished_is_not_reported()
    {
        var cgroups = new JobCgroups(directory, logger);
        var finishing = cgroups.Enter("web", "")!;
        var procs = Path.Combine(finishing, "cgroup.procs");
        File.WriteAllText(procs, "1234\n");
        cgroups.Release("web", "");

        Assert.Equal(0, cgroups.RemoveUnclaimed());
        Assert.Empty(logger.Warnings);

        // Its last process gone, the removal under way finishes.
        File.Delete(procs);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Directory.Exists(finishing))
        {
            Assert.True(DateTime.UtcNow < deadline, "the released cgroup was never removed");
            await Task.Delay(20);
        }
    }

    private string Make(string job, string instance) => Directory.CreateDirectory(Path.Combine(directory, job, instance)).FullName;
}
