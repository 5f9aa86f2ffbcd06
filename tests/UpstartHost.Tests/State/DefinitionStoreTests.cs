using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.State;

namespace UpstartHost.Tests.State;

/// <summary>STATE_DIR/definitions: what is stored, what is refused, how entries are named (docs/daemon.md).</summary>
public sealed class DefinitionStoreTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("ups-defs-").FullName;

    public DefinitionStoreTests()
    {
        Directory.CreateDirectory(Conf);
        Directory.CreateDirectory(StateDir);
    }

    private string Conf => Path.Combine(root, "conf");

    private string StateDir => Path.Combine(root, "state");

    private string StoreDir => DefinitionStore.DirectoryIn(StateDir);

    public void Dispose() => Directory.Delete(root, recursive: true);

    private DefinitionStore Store() => new(StateDir, JobFileTrust.Any, NullLogger.Instance);

    private (JobClassConfig Config, string Print) Load(string job)
    {
        var catalog = JobDirectoryLoader.Load([Conf]);
        return (catalog.Jobs[job], catalog.Fingerprints[job]);
    }

    [Fact]
    public void A_stored_definition_reads_back_byte_for_byte_and_parses_as_the_loader_parsed_it()
    {
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "exec /bin/sleep 60\npost-stop exec /bin/echo v1\n");
        File.WriteAllText(Path.Combine(Conf, "svc.override"), "kill signal INT\n");
        var (config, print) = Load("svc");

        Assert.True(Store().TryStore(print));
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "exec /bin/sleep 60\npost-stop exec /bin/echo v2\n");
        var stored = Store().TryLoad(print)!;

        Assert.Equal("exec /bin/sleep 60\npost-stop exec /bin/echo v1\n"u8.ToArray(), stored.Conf);
        Assert.Equal("kill signal INT\n"u8.ToArray(), stored.Override);
        var parsed = JobDirectoryLoader.ParseStored("svc", stored.ConfPath, stored.Conf, stored.OverridePath, stored.Override, [])!;
        Assert.Equal(
            (config.Name, config.SourcePath, config.OverridePath, config.KillSignal, config.Processes[ProcessKind.PostStop].Command, config.OverrideSettings.Single()),
            (parsed.Name, parsed.SourcePath, parsed.OverridePath, parsed.KillSignal, parsed.Processes[ProcessKind.PostStop].Command, parsed.OverrideSettings.Single()));
        Assert.Equal(2, parsed.KillSignal);
    }

    [Fact]
    public void A_file_changed_since_it_was_loaded_is_not_stored()
    {
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "exec /bin/sleep 60\n");
        var (_, print) = Load("svc");
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "exec /bin/sleep 61\n");

        Assert.False(Store().TryStore(print));
        Assert.False(Directory.Exists(StoreDir) && Directory.EnumerateFileSystemEntries(StoreDir).Any());
        Assert.Null(Store().TryLoad(print));
    }

    [Fact]
    public void Entries_are_named_by_digest_alone_whatever_the_job_or_path()
    {
        Directory.CreateDirectory(Path.Combine(Conf, "sub"));
        File.WriteAllText(Path.Combine(Conf, "sub", "a.b.conf"), "exec /bin/true\n");
        var print = JobDirectoryLoader.Load([Conf]).Fingerprints.Values.Single();

        Assert.True(Store().TryStore(print));
        var hostile = "/../../../tmp/evil\0AA\0/etc/passwd\0BB";
        Assert.Equal(StoreDir, Path.GetDirectoryName(Store().PathOf(hostile)));
        Assert.False(Store().TryStore(hostile));

        var entry = Assert.Single(Directory.EnumerateFiles(StateDir, "*", SearchOption.AllDirectories));
        Assert.Equal(StoreDir, Path.GetDirectoryName(entry));
        Assert.Matches("^[0-9a-f]{32}$", Path.GetFileName(entry));
    }

    [Fact]
    public void An_entry_that_is_not_what_its_fingerprint_says_is_not_loaded()
    {
        File.WriteAllText(Path.Combine(Conf, "svc.conf"), "exec /bin/sleep 60\n");
        var (_, print) = Load("svc");
        Assert.True(Store().TryStore(print));
        File.WriteAllText(Store().PathOf(print), "{\"fingerprint\":\"x\",\"conf\":\"ZXhlYyAvYmluL3NoCg==\"}");

        Assert.Null(Store().TryLoad(print));
    }

    [Fact]
    public void The_writer_stores_what_records_name_prunes_the_rest_and_a_clean_stop_removes_it_all()
    {
        File.WriteAllText(Path.Combine(Conf, "a.conf"), "exec /bin/sleep 60\n");
        File.WriteAllText(Path.Combine(Conf, "b.conf"), "exec /bin/sleep 61\n");
        var catalog = JobDirectoryLoader.Load([Conf]);
        InstanceRecord Record(string job) => new(job, "", JobGoal.Start, JobState.Running, [], 0, null, [], null, Fingerprint: catalog.Fingerprints[job]);

        using (var writer = new RuntimeStateWriter(StateDir, NullLogger.Instance, Store()))
        {
            writer.Offer([Record("a"), Record("b")]);
            writer.Flush();
            Assert.Equal(2, Directory.EnumerateFiles(StoreDir).Count());

            writer.Offer([Record("b")]);
            writer.Flush();
            Assert.Equal(Store().PathOf(catalog.Fingerprints["b"]), Assert.Single(Directory.EnumerateFiles(StoreDir)));

            writer.DeleteFile();
        }

        Assert.False(Directory.Exists(StoreDir));
    }

    [Fact]
    public void A_definition_stays_stored_while_any_record_names_it_and_goes_with_the_last()
    {
        File.WriteAllText(Path.Combine(Conf, "w.conf"), "instance $N\nexec /bin/sleep 60\n");
        var catalog = JobDirectoryLoader.Load([Conf]);
        var print = catalog.Fingerprints["w"];
        InstanceRecord Record(string instance, int respawns = 0) =>
            new("w", instance, JobGoal.Start, JobState.Running, [], respawns, null, [], null, Fingerprint: print);
        var path = Store().PathOf(print);

        using var writer = new RuntimeStateWriter(StateDir, NullLogger.Instance, Store());
        writer.Offer([Record("1"), Record("2")]);
        writer.Flush();
        Assert.True(File.Exists(path));

        // One instance replaced by a new record of the same definition (a respawn), then one of two gone.
        writer.Offer([Record("1", respawns: 1), Record("2")]);
        writer.Flush();
        Assert.True(File.Exists(path));
        writer.Offer([Record("2")]);
        writer.Flush();
        Assert.True(File.Exists(path));

        writer.Offer([]);
        writer.Flush();
        Assert.False(File.Exists(path));

        // Named again later: stored again.
        writer.Offer([Record("3")]);
        writer.Flush();
        Assert.True(File.Exists(path));
    }
}

