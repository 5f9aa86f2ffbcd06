using System.Diagnostics;
using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

/// <summary>
/// In system mode a job runs as root, so a job file another user owns, or that a group or others may
/// write, is refused (like sshd's StrictModes; Upstart ran it). The tests run as root, as CI does.
/// </summary>
public sealed class JobFileTrustTests
{
    private static void Run(params string[] command)
    {
        using var process = Process.Start(command[0], command[1..]);
        Assert.True(process.WaitForExit(10_000), $"{command[0]} did not finish");
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void A_file_owned_by_another_user_is_refused_for_root_and_loaded_otherwise()
    {
        using var dir = new TempDirectory();
        dir.Write("root.conf", "exec true\n");
        var theirs = dir.Write("theirs.conf", "exec true\n");
        Run("chown", "65534", theirs);

        var strict = JobDirectoryLoader.Load([dir.Path], JobFileTrust.RootOnly);
        Assert.Equal(["root"], strict.Jobs.Keys);
        var d = Assert.Single(strict.Diagnostics);
        Assert.Equal((theirs, LoaderDiagnostics.UnsafeOwnership, "File owned by uid 65534, not root: a system job runs as root, so it is not loaded"), (d.Path, d.Kind, d.Message));

        Assert.Equal(["root", "theirs"], JobDirectoryLoader.Load([dir.Path]).Jobs.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("664", "0664")]
    [InlineData("646", "0646")]
    public void A_root_file_a_group_or_others_may_write_is_refused_for_root(string chmod, string shown)
    {
        using var dir = new TempDirectory();
        var open = dir.Write("open.conf", "exec true\n");
        Run("chmod", chmod, open);

        var d = Assert.Single(JobDirectoryLoader.Load([dir.Path], JobFileTrust.RootOnly).Diagnostics);
        Assert.Equal($"File writable by group or others (mode {shown}): a system job runs as root, so it is not loaded", d.Message);
    }

    [Fact]
    public void An_override_owned_by_another_user_is_refused_and_the_job_loads_without_it()
    {
        using var dir = new TempDirectory();
        dir.Write("job.conf", "start on startup\nexec true\n");
        Run("chown", "65534", dir.Write("job.override", "manual\n"));

        var catalog = JobDirectoryLoader.Load([dir.Path], JobFileTrust.RootOnly);

        Assert.NotNull(catalog.Jobs["job"].StartOn);
        Assert.Equal(LoaderDiagnostics.UnsafeOwnership, Assert.Single(catalog.Diagnostics).Kind);
    }

    [Fact]
    public void Root_files_in_a_subdirectory_another_user_owns_are_refused_for_root_as_a_whole_and_one_by_one()
    {
        using var dir = new TempDirectory();
        dir.Write("top.conf", "exec true\n");
        dir.Write("mine/inner.conf", "exec true\n");
        dir.Write("theirs/inner.conf", "exec true\n");
        var theirs = System.IO.Path.Combine(dir.Path, "theirs");
        Run("chown", "65534", theirs);

        var strict = JobDirectoryLoader.Load([dir.Path], JobFileTrust.RootOnly);
        Assert.Equal(["mine/inner", "top"], strict.Jobs.Keys.Order(StringComparer.Ordinal));
        var d = Assert.Single(strict.Diagnostics);
        Assert.Equal((theirs, LoaderDiagnostics.UnsafeOwnership, "Directory owned by uid 65534, not root: a system job runs as root, so the job files in it are not loaded"), (d.Path, d.Kind, d.Message));

        // Loading the one job by name (a reload of one file) goes by the same rule.
        var one = JobDirectoryLoader.LoadJob([dir.Path], "theirs/inner", JobFileTrust.RootOnly);
        Assert.Empty(one.Jobs);
        Assert.Equal(LoaderDiagnostics.UnsafeOwnership, Assert.Single(one.Diagnostics).Kind);
        Assert.Single(JobDirectoryLoader.LoadJob([dir.Path], "mine/inner", JobFileTrust.RootOnly).Jobs);

        Assert.Contains("theirs/inner", JobDirectoryLoader.Load([dir.Path]).Jobs.Keys);
    }

    [Theory]
    [InlineData("775", true)]
    [InlineData("1777", false)]
    public void A_subdirectory_others_may_write_is_refused_unless_it_is_sticky(string chmod, bool refused)
    {
        using var dir = new TempDirectory();
        dir.Write("shared/job.conf", "exec true\n");
        Run("chmod", chmod, System.IO.Path.Combine(dir.Path, "shared"));

        var strict = JobDirectoryLoader.Load([dir.Path], JobFileTrust.RootOnly);

        Assert.Equal(refused, strict.Jobs.IsEmpty);
    }
}
