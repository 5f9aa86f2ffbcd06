using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using UpstartHost.Configuration;
using UpstartHost.Control;
using UpstartHost.State;
using UpstartHost.Tests.Control;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Tests.Configuration;

/// <summary>
/// Issue 12, item 11: a dry-run reload (anyone may ask) reads the whole tree without the gate that real
/// reloads, enable and disable take, so an administrator's stop or disable completes while a slow preview
/// is in flight.
/// The "slow" preview is a loader held on a gate, so nothing here depends on timing.
/// </summary>
public sealed class JobConfigurationPreviewTests : IDisposable
{
    private static readonly ClientIdentity Root = new(1, 0, 0, []);
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-preview-");
    private readonly FakeEngine engine = new();
    private readonly TaskCompletionSource previewLoading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource releasePreview = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly JobCatalog disk = TestCatalogs.Of(TestCatalogs.Job("web", "startup"), TestCatalogs.Job("db"));
    private volatile bool holdLoads;

    public void Dispose()
    {
        releasePreview.TrySetResult();
        dir.Delete(true);
    }

    private JobCatalog Load(IReadOnlyList<string> directories)
    {
        if (holdLoads)
        {
            previewLoading.TrySetResult();
            releasePreview.Task.Wait(TimeSpan.FromSeconds(30));
        }

        return disk;
    }

    [Fact]
    public async Task An_admin_stop_and_disable_complete_while_a_slow_dry_run_is_in_flight()
    {
        var store = new AdminStateStore(dir.FullName, NullLogger.Instance);
        store.Load();
        using var config = new JobConfiguration(["/nowhere"], engine, store, NullLogger<JobConfiguration>.Instance, Load);
        var control = new DaemonControl(engine, config, store, new JobLogTail(dir.FullName), new WatchHub(), new LogPriority(), ["startup"], ControlAuthorization.ForSystem());
        await config.ReloadAsync(false);
        await control.StartAsync(Root, "web", [], true, default);
        holdLoads = true;

        var preview = control.ReloadConfigurationAsync(Root, dryRun: true, default);
        await previewLoading.Task.WaitAsync(TimeSpan.FromSeconds(20));
        // Disabling hands the engine the catalog again, under the gate a real reload takes.
        var admin = Task.WhenAll(control.StopAsync(Root, "web", [], true, default), (Task)control.SetEnabledAsync(Root, "web", false, false, true, default));
        var first = await Task.WhenAny(admin, preview).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Same(admin, first);
        await admin;
        Assert.False(preview.IsCompleted);
        Assert.Contains("web", store.Current.Disabled);
        releasePreview.SetResult();
        var change = await preview.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Empty(change.Added);
    }

    [Fact]
    public async Task A_dry_run_reports_the_change_without_applying_it()
    {
        var store = new AdminStateStore(dir.FullName, NullLogger.Instance);
        store.Load();
        var loads = 0;
        using var config = new JobConfiguration(
            ["/nowhere"], engine, store, NullLogger<JobConfiguration>.Instance, _ => ++loads == 1 ? TestCatalogs.Of(TestCatalogs.Job("web")) : disk);
        await config.ReloadAsync(false);
        var applied = engine.ApplyCount;

        var (diff, _) = await config.ReloadAsync(dryRun: true);

        Assert.Equal(["db"], diff.Added.AsEnumerable());
        Assert.Equal(applied, engine.ApplyCount);
        Assert.False(config.Catalog.Jobs.ContainsKey("db"));
    }
}
