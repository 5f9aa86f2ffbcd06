using UpstartHost.Configuration;

namespace UpstartHost.Tests.Configuration;

/// <summary>How the watcher tells that a job directory was deleted or replaced.</summary>
public sealed class DirectoryAnchorTests : IDisposable
{
    private readonly string parent = Directory.CreateTempSubdirectory("anchor-").FullName;

    public void Dispose() => Directory.Delete(parent, recursive: true);

    [Fact]
    public void An_untouched_directory_is_still_named_by_its_path()
    {
        var dir = Directory.CreateDirectory(Path.Combine(parent, "init")).FullName;
        using var anchor = DirectoryAnchor.Open(dir);
        Assert.NotNull(anchor);
        File.WriteAllText(Path.Combine(dir, "a.conf"), "exec true\n");
        Assert.True(anchor.StillNamedBy(dir));
    }

    [Fact]
    public void A_directory_deleted_and_made_again_is_not_the_anchored_one()
    {
        var dir = Directory.CreateDirectory(Path.Combine(parent, "init")).FullName;
        using var anchor = DirectoryAnchor.Open(dir)!;
        Directory.Delete(dir);
        Assert.False(anchor.StillNamedBy(dir));
        Directory.CreateDirectory(dir);
        Assert.False(anchor.StillNamedBy(dir));
    }

    [Fact]
    public void A_directory_replaced_by_a_rename_is_not_the_anchored_one()
    {
        var dir = Directory.CreateDirectory(Path.Combine(parent, "init")).FullName;
        var staged = Directory.CreateDirectory(Path.Combine(parent, "init.new")).FullName;
        using var anchor = DirectoryAnchor.Open(dir)!;
        Directory.Move(dir, Path.Combine(parent, "init.old"));
        Directory.Move(staged, dir);
        Assert.False(anchor.StillNamedBy(dir));
    }

    [Fact]
    public void There_is_no_anchor_on_a_missing_directory_or_a_file()
    {
        Assert.Null(DirectoryAnchor.Open(Path.Combine(parent, "missing")));
        var file = Path.Combine(parent, "file");
        File.WriteAllText(file, "");
        Assert.Null(DirectoryAnchor.Open(file));
    }
}
