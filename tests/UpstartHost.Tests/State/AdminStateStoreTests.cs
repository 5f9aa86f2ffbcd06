using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.State;

namespace UpstartHost.Tests.State;

public sealed class AdminStateStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-state-");

    public void Dispose() => dir.Delete(true);

    private AdminStateStore NewStore() => new(dir.FullName, NullLogger.Instance);

    [Fact]
    public void A_missing_file_is_no_admin_state()
    {
        var state = NewStore().Load();
        Assert.Empty(state.Stopped);
        Assert.Empty(state.Disabled);
    }

    [Fact]
    public void Stopped_and_disabled_jobs_survive_a_new_store()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithStopped("web", true).WithDisabled("net/apache", true));
        var reloaded = NewStore().Load();
        Assert.Equal(["web"], reloaded.Stopped);
        Assert.Equal(["net/apache"], reloaded.Disabled);
        Assert.True(reloaded.SuppressesEvents("web"));
        Assert.False(reloaded.SuppressesEvents("other"));
    }

    [Fact]
    public void The_file_is_private_and_no_temp_file_is_left_behind()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithDisabled("a", true));
        Assert.Equal([AdminStateStore.FileName], dir.GetFiles().Select(f => f.Name));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
    }

    [Fact]
    public void An_unchanged_state_is_not_rewritten()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithStopped("a", true));
        var written = File.GetLastWriteTimeUtc(store.FilePath);
        File.SetLastWriteTimeUtc(store.FilePath, written.AddDays(-1));
        store.Update(s => s.WithStopped("a", true));
        Assert.Equal(written.AddDays(-1), File.GetLastWriteTimeUtc(store.FilePath));
    }

    [Fact]
    public void A_corrupt_file_is_kept_aside_and_treated_as_empty()
    {
        var store = NewStore();
        File.WriteAllText(store.FilePath, "{ not json");
        var state = store.Load();
        Assert.Empty(state.Stopped);
        Assert.Equal("{ not json", File.ReadAllText(store.FilePath + ".corrupt"));
        store.Update(s => s.WithStopped("x", true));
        Assert.Equal(["x"], NewStore().Load().Stopped);
    }

    [Fact]
    public void Enabling_and_starting_clear_the_marks()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithStopped("a", true).WithDisabled("a", true));
        store.Update(s => s.WithStopped("a", false).WithDisabled("a", false));
        var state = NewStore().Load();
        Assert.Empty(state.Stopped);
        Assert.Empty(state.Disabled);
    }
}
