using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>status NAME / PATTERN answered by the engine: only the matching classes, as list shows them.</summary>
public sealed class StatusQueryTests
{
    private static EngineHarness ThreeJobs() =>
        new EngineHarness()
            .With(EngineHarness.Service("web"))
            .With(EngineHarness.Service("worker"))
            .With(EngineHarness.Service("db"));

    private static string Line(JobSnapshot s) => $"{s.Name} ({s.Instance}) {s.Goal.ToUpstartName()}/{s.State.ToUpstartName()}";

    [Fact]
    public void An_exact_name_gives_that_class_only()
    {
        var h = ThreeJobs();
        _ = h.Start("web");

        var status = h.Core.Status("web", null);

        Assert.Equal(["web () start/running"], status.Select(Line));
        Assert.True(status[0].HasInstance);
    }

    [Fact]
    public void A_class_with_no_instance_shows_as_stop_waiting()
    {
        var status = ThreeJobs().Core.Status("db", null);

        var only = Assert.Single(status);
        Assert.Equal("db () stop/waiting", Line(only));
        Assert.False(only.HasInstance);
    }

    [Fact]
    public void An_unknown_name_gives_nothing()
    {
        Assert.Empty(ThreeJobs().Core.Status("nosuch", null));
    }

    [Fact]
    public void A_wildcard_gives_the_matching_classes_in_name_order()
    {
        var status = ThreeJobs().Core.Status("w*", null);

        Assert.Equal(["web", "worker"], status.Select(s => s.Name));
    }

    [Fact]
    public void A_wildcard_that_matches_nothing_gives_nothing()
    {
        Assert.Empty(ThreeJobs().Core.Status("x?", null));
    }

    [Fact]
    public void Every_pattern_agrees_with_filtering_the_full_list()
    {
        var h = ThreeJobs().With(EngineHarness.Service("tty") with { Instance = "$TTY" });
        _ = h.Start("web");
        _ = h.Start("tty", true, "TTY=tty2");
        _ = h.Start("tty", true, "TTY=tty1");

        foreach (var pattern in new[] { "*", "t*", "[a-w]*", "tty", "web", "?b" })
        {
            var expected = h.Core.List().Where(s => new Upstart.JobFiles.Loading.JobNamePattern(pattern).IsMatch(s.Name));
            Assert.Equal(expected.Select(Line), h.Core.Status(pattern, null).Select(Line));
        }
    }

    [Fact]
    public void An_instance_narrows_to_that_instance()
    {
        var h = ThreeJobs().With(EngineHarness.Service("tty") with { Instance = "$TTY" });
        _ = h.Start("tty", true, "TTY=tty1");
        _ = h.Start("tty", true, "TTY=tty2");

        Assert.Equal(["tty (tty2) start/running"], h.Core.Status("tty", "tty2").Select(Line));
        Assert.Empty(h.Core.Status("tty", "tty3"));
        Assert.Equal(["db () stop/waiting"], h.Core.Status("db", "").Select(Line));
        Assert.Empty(h.Core.Status("db", "x"));
    }

    [Fact]
    public async Task The_engine_thread_answers_a_status_request()
    {
        var processes = new FakeProcessLayer();
        await using var engine = new JobEngine(new EngineOptions { AppArmorAvailable = false }, processes, new FakeClock(), new CapturingLogger<JobEngine>());
        engine.Start();
        await engine.ApplyCatalogAsync(new Upstart.JobFiles.Loading.JobCatalog(
            System.Collections.Immutable.ImmutableDictionary<string, Upstart.JobFiles.Model.JobClassConfig>.Empty
                .Add("web", EngineHarness.Service("web")), [])).WaitAsync(TimeSpan.FromSeconds(10));

        var status = await engine.StatusAsync("web", null).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["web () stop/waiting"], status.Select(Line));
    }
}
