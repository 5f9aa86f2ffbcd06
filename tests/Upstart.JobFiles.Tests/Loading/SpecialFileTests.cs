using System.Diagnostics;
using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

/// <summary>
/// Only regular files are job files: a FIFO could block a reader forever, a device like /dev/zero flood
/// it. Each is refused with a diagnostic, and the other jobs load (issue: the daemon never listened with
/// a FIFO in /etc/init, and ran out of memory on a character device).
/// </summary>
public sealed class SpecialFileTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static void Make(params string[] command)
    {
        using var process = Process.Start(command[0], command[1..]);
        Assert.True(process.WaitForExit(10_000), $"{command[0]} did not finish");
        Assert.Equal(0, process.ExitCode);
    }

    private static Task<JobCatalog> LoadWithin(string dir) =>
        Task.Run(() => JobDirectoryLoader.Load([dir])).WaitAsync(Bound);

    [Fact]
    public async Task A_fifo_named_like_a_job_is_refused_and_the_other_jobs_load()
    {
        using var dir = new TempDirectory();
        dir.Write("good.conf", "exec true\n");
        Make("mkfifo", Path.Combine(dir.Path, "pipe.conf"));

        var catalog = await LoadWithin(dir.Path);

        Assert.Equal(["good"], catalog.Jobs.Keys);
        var d = Assert.Single(catalog.Diagnostics);
        Assert.Equal((Path.Combine(dir.Path, "pipe.conf"), LoaderDiagnostics.NotRegularFile, "Not a regular file"), (d.Path, d.Kind, d.Message));
    }

    [Fact]
    public async Task A_character_device_named_like_a_job_is_refused_without_reading_it()
    {
        using var dir = new TempDirectory();
        dir.Write("good.conf", "exec true\n");
        Make("mknod", Path.Combine(dir.Path, "zero.conf"), "c", "1", "5");

        var catalog = await LoadWithin(dir.Path);

        Assert.Equal(["good"], catalog.Jobs.Keys);
        Assert.Equal(LoaderDiagnostics.NotRegularFile, Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public async Task A_fifo_as_an_override_is_refused_and_the_job_loads_without_it()
    {
        using var dir = new TempDirectory();
        dir.Write("job.conf", "description plain\nexec true\n");
        Make("mkfifo", Path.Combine(dir.Path, "job.override"));

        var catalog = await LoadWithin(dir.Path);

        Assert.Equal("plain", catalog.Jobs["job"].Description);
        Assert.Null(catalog.Jobs["job"].OverridePath);
        Assert.Equal(LoaderDiagnostics.NotRegularFile, Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public async Task Loading_one_job_by_name_refuses_a_fifo_too()
    {
        using var dir = new TempDirectory();
        Make("mkfifo", Path.Combine(dir.Path, "pipe.conf"));

        var catalog = await Task.Run(() => JobDirectoryLoader.LoadJob([dir.Path], "pipe")).WaitAsync(Bound);

        Assert.Empty(catalog.Jobs);
        Assert.Equal(LoaderDiagnostics.NotRegularFile, Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public void Fingerprints_follow_the_bytes_read_not_the_modification_time()
    {
        using var dir = new TempDirectory();
        var conf = dir.Write("job.conf", "exec true\n");
        var first = JobDirectoryLoader.Load([dir.Path]).Fingerprints["job"];

        File.SetLastWriteTimeUtc(conf, DateTime.UtcNow.AddMinutes(5));
        Assert.Equal(first, JobDirectoryLoader.Load([dir.Path]).Fingerprints["job"]);

        dir.Write("job.conf", "exec false\n");
        var changed = JobDirectoryLoader.Load([dir.Path]).Fingerprints["job"];
        Assert.NotEqual(first, changed);

        dir.Write("job.override", "manual\n");
        Assert.NotEqual(changed, JobDirectoryLoader.Load([dir.Path]).Fingerprints["job"]);
    }
}
