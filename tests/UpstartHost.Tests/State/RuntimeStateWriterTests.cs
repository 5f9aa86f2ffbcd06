using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using UpstartHost.Engine;
using UpstartHost.State;

namespace UpstartHost.Tests.State;

/// <summary>
/// A snapshot the writer could not write (a full or read-only state directory) is written once the directory takes
/// it again, without waiting for the jobs to change: a crash in between would otherwise leave the next daemon a record
/// without the jobs started since (docs/daemon.md, "The runtime state file").
/// </summary>
public sealed class RuntimeStateWriterTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string root = Directory.CreateTempSubdirectory("ups-state-retry-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Conf => Path.Combine(root, "conf");

    /// <summary>A state directory that cannot be written yet: its parent's name is taken by a regular file.</summary>
    private string BlockedStateDir()
    {
        File.WriteAllText(Path.Combine(root, "var"), "not a directory");
        return Path.Combine(root, "var", "state");
    }

    private void Unblock(string stateDir)
    {
        File.Delete(Path.Combine(root, "var"));
        Directory.CreateDirectory(stateDir);
    }

    [Fact]
    public void A_snapshot_that_could_not_be_written_is_written_with_its_definition_once_the_directory_takes_it_again()
    {
        Directory.CreateDirectory(Conf);
        File.WriteAllText(Path.Combine(Conf, "svc2.conf"), "exec /bin/sleep 60\n");
        var print = JobDirectoryLoader.Load([Conf]).Fingerprints["svc2"];
        var stateDir = BlockedStateDir();
        var store = new DefinitionStore(stateDir, JobFileTrust.Any, NullLogger.Instance);
        using var writer = new RuntimeStateWriter(stateDir, NullLogger.Instance, store, retryInterval: TimeSpan.FromMilliseconds(50));

        writer.Offer([new("svc2", "", JobGoal.Start, JobState.Running, [], 0, null, [], null, Fingerprint: print)]);
        writer.Flush();
        Assert.False(File.Exists(RuntimeStateFile.PathIn(stateDir)));

        // Space comes back; the job stays as it is, so the engine offers nothing new.
        Unblock(stateDir);
        Assert.True(writer.WaitUntilIdle(Deadline));

        var recorded = RuntimeStateFile.Read(stateDir, DateTimeOffset.UtcNow);
        Assert.NotNull(recorded);
        Assert.Equal("svc2", Assert.Single(recorded.Instances).Job);
        Assert.NotNull(store.TryLoad(print));
    }

    [Fact]
    public void Notify_disk_writeable_writes_a_snapshot_that_could_not_be_written_at_once()
    {
        var stateDir = BlockedStateDir();
        using var writer = new RuntimeStateWriter(stateDir, NullLogger.Instance, retryInterval: TimeSpan.FromHours(1));
        writer.Offer([new("web", "", JobGoal.Start, JobState.Running, [], 0, null, [], null)]);
        writer.Flush();
        var failed = writer.WriteCount;

        Unblock(stateDir);
        writer.RetryNow();
        Assert.True(writer.WaitUntilIdle(Deadline));
        Assert.Equal(failed + 1, writer.WriteCount);

        Assert.Equal("web", Assert.Single(RuntimeStateFile.Read(stateDir, DateTimeOffset.UtcNow)!.Instances).Job);
    }

    [Fact]
    public void A_snapshot_that_was_written_is_not_written_again_while_nothing_changes()
    {
        var stateDir = Path.Combine(root, "state");
        Directory.CreateDirectory(stateDir);
        using var writer = new RuntimeStateWriter(stateDir, NullLogger.Instance, retryInterval: TimeSpan.FromMilliseconds(20));

        writer.Offer([new("web", "", JobGoal.Start, JobState.Running, [], 0, null, [], null)]);
        writer.Flush();

        // A retry asked for now finds nothing to write again.
        writer.RetryNow();
        Assert.True(writer.WaitUntilIdle(Deadline));
        Assert.Equal(1, writer.WriteCount);
        Assert.NotNull(RuntimeStateFile.Read(stateDir, DateTimeOffset.UtcNow));
    }
}
