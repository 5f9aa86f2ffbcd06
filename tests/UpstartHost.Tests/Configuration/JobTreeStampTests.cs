using UpstartHost.Configuration;

namespace UpstartHost.Tests.Configuration;

/// <summary>What a rescan counts as a change when inotify cannot be had.</summary>
public sealed class JobTreeStampTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("stamp-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private long Stamp() => JobTreeStamp.Compute([dir]);

    [Fact]
    public void Adding_changing_and_removing_a_job_file_each_change_the_stamp()
    {
        var empty = Stamp();
        var path = Path.Combine(dir, "sub", "a.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "exec true\n");
        var added = Stamp();
        Assert.NotEqual(empty, added);

        File.WriteAllText(path, "exec /bin/true --longer\n");
        var changed = Stamp();
        Assert.NotEqual(added, changed);

        File.Delete(path);
        Assert.NotEqual(changed, Stamp());
    }

    [Fact]
    public void An_unchanged_tree_keeps_its_stamp()
    {
        File.WriteAllText(Path.Combine(dir, "a.conf"), "exec true\n");
        File.WriteAllText(Path.Combine(dir, "a.override"), "manual\n");
        Assert.Equal(Stamp(), Stamp());
    }

    [Fact]
    public void Editor_swap_and_hidden_files_do_not_change_the_stamp()
    {
        var before = Stamp();
        File.WriteAllText(Path.Combine(dir, ".a.conf.swp"), "x");
        File.WriteAllText(Path.Combine(dir, "a.conf~"), "x");
        Assert.Equal(before, Stamp());
    }

    [Fact]
    public void A_missing_directory_has_a_stamp_and_its_appearance_changes_it()
    {
        var missing = Path.Combine(dir, "not-yet");
        var before = JobTreeStamp.Compute([missing]);
        Directory.CreateDirectory(missing);
        File.WriteAllText(Path.Combine(missing, "a.conf"), "exec true\n");
        Assert.NotEqual(before, JobTreeStamp.Compute([missing]));
    }
}
