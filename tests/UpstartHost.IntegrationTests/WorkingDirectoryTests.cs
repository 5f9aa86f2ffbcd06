namespace UpstartHost.IntegrationTests;

/// <summary>
/// Where a job without `chdir` runs: `/` under a system daemon, the daemon's own working directory under a
/// session daemon (Upstart's user mode calls chdir only for a job that sets one, so session jobs start where
/// the session is, usually the home directory); `chdir` wins in both.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class WorkingDirectoryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_session_job_without_chdir_runs_in_the_daemons_working_directory()
    {
        await using var d = DaemonFixture.Create();
        d.WorkingDirectory = Directory.CreateDirectory(Path.Combine(d.Root, "home")).FullName;
        WriteJobs(d);
        await d.StartAsync();

        Assert.Equal((d.WorkingDirectory, "/tmp"), await RunBothAsync(d));
    }

    [Fact]
    public async Task A_system_job_without_chdir_runs_in_root()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        d.WorkingDirectory = d.Root;
        WriteJobs(d);
        await d.StartAsync();

        Assert.Equal(("/", "/tmp"), await RunBothAsync(d));
    }

    private static void WriteJobs(DaemonFixture d)
    {
        d.WriteJob("here", $"task\nexec /bin/sh -c 'pwd -P > {d.Root}/here.out'\n");
        d.WriteJob("there", $"task\nchdir /tmp\nexec /bin/sh -c 'pwd -P > {d.Root}/there.out'\n");
    }

    /// <summary>Runs both tasks (a task's start returns once it has finished) and reads where each ran.</summary>
    private static async Task<(string Here, string There)> RunBothAsync(DaemonFixture d)
    {
        using var cts = new CancellationTokenSource(Bound);
        await d.Client.StartAsync("here", wait: true, cancellationToken: cts.Token);
        await d.Client.StartAsync("there", wait: true, cancellationToken: cts.Token);
        return (
            (await File.ReadAllTextAsync(Path.Combine(d.Root, "here.out"), cts.Token)).TrimEnd('\n'),
            (await File.ReadAllTextAsync(Path.Combine(d.Root, "there.out"), cts.Token)).TrimEnd('\n'));
    }
}
