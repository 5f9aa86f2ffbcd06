using System.Collections.Immutable;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>Loading and replacing job classes: a running instance keeps its old definition (UPSTART.md §0).</summary>
public sealed class CatalogTests
{
    private static JobCatalog Catalog(params JobClassConfig[] jobs) =>
        new(jobs.ToImmutableDictionary(j => j.Name, StringComparer.Ordinal), []);

    [Fact]
    public void Applying_a_catalog_loads_every_class()
    {
        var h = new EngineHarness();

        h.Core.ApplyCatalog(Catalog(EngineHarness.Service("b"), EngineHarness.Service("a")));

        Assert.Equal(["a", "b"], h.Core.List().Select(s => s.Name));
        Assert.All(h.Core.List(), s => Assert.Equal("stop/waiting", $"{s.Goal.ToUpstartName()}/{s.State.ToUpstartName()}"));
        Assert.Equal("a", h.Core.GetConfig("a")!.Name);
        Assert.Null(h.Core.GetConfig("c"));
    }

    [Fact]
    public void A_changed_class_takes_effect_once_its_instance_has_stopped()
    {
        var h = new EngineHarness();
        h.Core.ApplyCatalog(Catalog(EngineHarness.Service("web")));
        _ = h.Start("web");
        Assert.False(h.Core.List().Single().ConfigChanged);
        var changed = EngineHarness.Service("web") with { Description = "v2" };

        h.Core.ApplyCatalog(Catalog(changed));

        Assert.True(h.Core.List().Single().ConfigChanged);
        Assert.Null(h.Instance("web").Config.Description);
        Assert.Null(h.Core.GetConfig("web")!.Description);
        h.StopAndReap("web");
        Assert.Equal("v2", h.Core.GetConfig("web")!.Description);
        _ = h.Start("web");
        Assert.Equal("v2", h.Instance("web").Config.Description);
        Assert.False(h.Core.List().Single().ConfigChanged);
    }

    [Fact]
    public void An_identical_copy_of_a_running_definition_is_no_change()
    {
        var h = new EngineHarness();
        var web = EngineHarness.Service("web");
        h.Core.ApplyCatalog(Catalog(web));
        _ = h.Start("web");

        h.Core.ApplyCatalog(Catalog(web with { }));

        Assert.False(h.Core.List().Single().ConfigChanged);
        Assert.Same(web, h.Core.GetConfig("web"));
    }

    [Fact]
    public void A_deleted_class_disappears_once_its_instance_has_stopped()
    {
        var h = new EngineHarness();
        h.Core.ApplyCatalog(Catalog(EngineHarness.Service("web"), EngineHarness.Service("db")));
        _ = h.Start("web");

        h.Core.ApplyCatalog(Catalog(EngineHarness.Service("db")));

        Assert.Equal(["db", "web"], h.Core.List().Select(s => s.Name));
        Assert.Equal([false, true], h.Core.List().Select(s => s.ConfigChanged));
        h.StopAndReap("web");
        Assert.Equal(["db"], h.Core.List().Select(s => s.Name));
    }

    [Fact]
    public void An_idle_class_is_replaced_at_once()
    {
        var h = new EngineHarness();
        h.Core.ApplyCatalog(Catalog(EngineHarness.Service("web")));

        h.Core.ApplyCatalog(Catalog(EngineHarness.Service("web") with { Task = true }));

        Assert.True(h.Core.GetConfig("web")!.Task);
        Assert.Single(h.Core.GetConfigs());
    }

    [Fact]
    public void A_snapshot_lists_live_processes_main_first()
    {
        var h = new EngineHarness().With(EngineHarness.Service("web", ProcessKind.PostStart));
        _ = h.Start("web", wait: false);

        var snapshot = Assert.Single(h.Core.List());

        Assert.Equal([ProcessKind.Main, ProcessKind.PostStart], snapshot.Processes.Select(p => p.Kind));
        Assert.Equal("start/post-start", $"{snapshot.Goal.ToUpstartName()}/{snapshot.State.ToUpstartName()}");
        Assert.True(snapshot.HasInstance);
    }

    [Fact]
    public async Task A_disabled_job_starts_no_instance_from_an_event_while_one_still_runs_under_its_old_start_on()
    {
        // docs/beyond-upstart.md: disable means no event starts the job. The masked definition waits for the
        // running instance to stop (as any changed definition does), but the old `start on` must not start others.
        var h = new EngineHarness();
        var worker = JobFiles.Parse("worker", "start on work\ninstance $N\nexec /bin/sleep 100\n");
        h.Core.ApplyCatalog(Catalog(worker));
        await h.Emit("work", "N=1");
        Assert.Equal("start/running", h.Status("worker", "1"));

        h.Core.ApplyCatalog(Catalog(worker with { StartOn = null }), disabled: new HashSet<string> { "worker" });
        await h.Emit("work", "N=2");

        Assert.Equal(["1"], h.Core.List().Where(s => s.HasInstance).Select(s => s.Instance));
        h.StopAndReap("worker", "1", "N=1");
        await h.Emit("work", "N=3");
        Assert.DoesNotContain(h.Core.List(), s => s.HasInstance);

        h.Core.ApplyCatalog(Catalog(worker), disabled: new HashSet<string>());
        await h.Emit("work", "N=4");
        Assert.Equal("start/running", h.Status("worker", "4"));
    }

    [Fact]
    public async Task A_disabled_job_whose_file_is_gone_starts_nothing_more_while_its_instances_run()
    {
        var h = new EngineHarness();
        var worker = JobFiles.Parse("worker", "start on work\ninstance $N\nexec /bin/sleep 100\n");
        h.Core.ApplyCatalog(Catalog(worker));
        await h.Emit("work", "N=1");

        h.Core.ApplyCatalog(Catalog(), disabled: new HashSet<string> { "worker" });
        await h.Emit("work", "N=2");

        Assert.Equal(["1"], h.Core.List().Where(s => s.HasInstance).Select(s => s.Instance));
    }
}
