using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.State;
using UpstartHost.Tests.Engine;

namespace UpstartHost.Tests.State;

public sealed class AdminStateStoreTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-state-");

    public void Dispose() => dir.Delete(true);

    private AdminStateStore NewStore(ILogger? logger = null) => new(dir.FullName, logger ?? NullLogger.Instance);

    [Fact]
    public void A_missing_file_is_no_admin_state()
    {
        var state = NewStore().Load();
        Assert.Empty(state.Disabled);
    }

    [Fact]
    public void Disabled_jobs_survive_a_new_store()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithDisabled("net/apache", true));
        var reloaded = NewStore().Load();
        Assert.Equal(["net/apache"], reloaded.Disabled);
        Assert.True(reloaded.SuppressesEvents("net/apache"));
        Assert.False(reloaded.SuppressesEvents("other"));
    }

    [Fact]
    public void The_file_is_version_2_and_holds_no_stopped_marks()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithDisabled("web", true));
        var text = File.ReadAllText(store.FilePath);
        Assert.Contains("\"version\": 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("stopped", text, StringComparison.Ordinal);
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
        store.Update(s => s.WithDisabled("a", true));
        var written = File.GetLastWriteTimeUtc(store.FilePath);
        File.SetLastWriteTimeUtc(store.FilePath, written.AddDays(-1));
        store.Update(s => s.WithDisabled("a", true));
        Assert.Equal(written.AddDays(-1), File.GetLastWriteTimeUtc(store.FilePath));
    }

    [Fact]
    public void A_corrupt_file_is_kept_aside_and_treated_as_empty()
    {
        var store = NewStore();
        File.WriteAllText(store.FilePath, "{ not json");
        var state = store.Load();
        Assert.Empty(state.Disabled);
        Assert.Equal("{ not json", File.ReadAllText(store.FilePath + ".corrupt"));
        store.Update(s => s.WithDisabled("x", true));
        Assert.Equal(["x"], NewStore().Load().Disabled);
    }

    [Fact]
    public void Enabling_clears_the_mark()
    {
        var store = NewStore();
        store.Load();
        store.Update(s => s.WithDisabled("a", true));
        store.Update(s => s.WithDisabled("a", false));
        Assert.Empty(NewStore().Load().Disabled);
    }

    [Fact]
    public void A_version_1_file_loses_its_stopped_marks_with_one_log_line_naming_the_jobs_and_keeps_its_disabled_ones()
    {
        File.WriteAllText(Path.Combine(dir.FullName, AdminStateStore.FileName),
            """{ "version": 1, "stopped": ["web", "db", "evil\nforged line"], "disabled": ["cups"] }""");
        var log = new CapturingLogger<AdminStateStore>();

        var state = NewStore(log).Load();

        Assert.Equal(["cups"], state.Disabled);
        Assert.False(state.SuppressesEvents("web"));
        var line = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.EndsWith(
            "version 1 admin state; dropped the stopped mark of 3 job(s), which events may start again (disable a job to keep it down): db, evil\\u000Aforged line, web",
            line.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_migrated_file_is_rewritten_at_once_so_the_next_start_has_nothing_to_drop()
    {
        var path = Path.Combine(dir.FullName, AdminStateStore.FileName);
        File.WriteAllText(path, """{ "version": 1, "stopped": ["web"], "disabled": ["cups"] }""");
        NewStore().Load();

        var text = File.ReadAllText(path);
        Assert.Contains("\"version\": 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("web", text, StringComparison.Ordinal);
        var log = new CapturingLogger<AdminStateStore>();
        Assert.Equal(["cups"], NewStore(log).Load().Disabled);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void A_version_1_file_without_stopped_marks_is_migrated_silently()
    {
        File.WriteAllText(Path.Combine(dir.FullName, AdminStateStore.FileName), """{ "version": 1, "stopped": [], "disabled": ["cups"] }""");
        var log = new CapturingLogger<AdminStateStore>();

        Assert.Equal(["cups"], NewStore(log).Load().Disabled);
        Assert.Empty(log.Entries);
    }
}
