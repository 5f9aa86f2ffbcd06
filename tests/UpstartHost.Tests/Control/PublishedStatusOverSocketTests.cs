using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using UpstartHost.Configuration;
using UpstartHost.Control;
using UpstartHost.Engine;
using UpstartHost.Processes;
using UpstartHost.State;
using UpstartHost.Tests.Engine;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Tests.Control;

/// <summary>
/// status answered from the engine's published status (issue 11), through the daemon's handler and the real
/// server: a status that follows a completed start or stop on the same connection sees its result, even
/// when the published status it could have been answered from was taken just before.
/// </summary>
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync.
public sealed class PublishedStatusOverSocketTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("ups-pub-");
    private readonly FakeProcessLayer processes = new();
    private readonly JobEngine engine;
    private ControlServer? server;
    private UpstartClient? client;
    private DaemonControl? control;
    private JobConfiguration? configuration;
    private JobCatalog catalog = new(new[] { EngineHarness.Service("web"), EngineHarness.Service("db") }.ToImmutableDictionary(j => j.Name), []);

    public PublishedStatusOverSocketTests()
    {
        engine = new JobEngine(new EngineOptions { AppArmorAvailable = false }, processes, new FakeClock(), new CapturingLogger<JobEngine>());
        processes.Sink = engine;
    }

    public async Task InitializeAsync()
    {
        engine.Start();
        var store = new AdminStateStore(dir.FullName, NullLogger.Instance);
        store.Load();
        configuration = new JobConfiguration(["/nowhere"], engine, store, NullLogger<JobConfiguration>.Instance, _ => catalog);
        await configuration.ReloadAsync(false).WaitAsync(Bound);
        control = new DaemonControl(
            engine, configuration, store, new JobLogTail(dir.FullName), new WatchHub(), new LogPriority(), ["startup"], ControlAuthorization.ForSystem());
        server = new ControlServer(control, new ControlServerOptions { SocketPath = Path.Combine(dir.FullName, "s") });
        server.Start();
        client = await UpstartClient.ConnectAsync(server.SocketPath).WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        if (client is not null)
        {
            await client.DisposeAsync();
        }

        if (server is not null)
        {
            await server.DisposeAsync();
        }

        await engine.DisposeAsync();
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task A_status_after_a_completed_start_or_stop_on_the_connection_sees_it()
    {
        for (var round = 0; round < 20; round++)
        {
            await PublishedStatusIsCurrent();
            var started = await client!.StartAsync("web").WaitAsync(Bound);
            Assert.Equal("running", Assert.Single(await client.StatusAsync("web").WaitAsync(Bound)).State);

            await PublishedStatusIsCurrent();
            await client.StopAsync("web", wait: false).WaitAsync(Bound);
            Assert.Equal("stop", Assert.Single(await client.StatusAsync("web").WaitAsync(Bound)).Goal);

            engine.Post(new ProcessExited(started.Processes.Single().Pid, 15, true));
            while (Assert.Single(await client.StatusAsync("web").WaitAsync(Bound)).State != "waiting")
            {
                // Each round trip lets the engine go on; the exit is handled within a few.
            }
        }
    }

    [Fact]
    public async Task The_published_status_answers_as_the_engine_does()
    {
        await client!.StartAsync("db").WaitAsync(Bound);
        var fromEngine = await client.StatusAsync("*").WaitAsync(Bound);
        var listed = await client.ListAsync().WaitAsync(Bound);

        await PublishedStatusIsCurrent();
        Assert.Equal(Lines(fromEngine), Lines(await client.StatusAsync("*").WaitAsync(Bound)));
        Assert.Equal(Lines(listed), Lines(await client.ListAsync().WaitAsync(Bound)));
        Assert.NotNull(engine.CurrentStatus);
        var unknown = await Assert.ThrowsAsync<UpstartException>(() => client.StatusAsync("nothing").WaitAsync(Bound));
        Assert.Equal(UpstartErrorCode.UnknownJob, unknown.Code);
        var noInstance = await Assert.ThrowsAsync<UpstartException>(() => client.StatusAsync("db", "x").WaitAsync(Bound));
        Assert.Equal(UpstartErrorCode.UnknownInstance, noInstance.Code);
    }

    [Fact]
    public async Task Nothing_is_answered_from_a_publication_while_a_message_waits_for_the_engine()
    {
        await PublishedStatusIsCurrent();
        using var hold = new ManualResetEventSlim();
        var held = engine.WithSnapshotAsync(_ => hold.Wait(Bound));

        Assert.Null(engine.CurrentStatus);
        hold.Set();
        await held.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_list_is_kept_while_nothing_it_shows_has_changed_and_follows_each_change()
    {
        var root = new ClientIdentity(1, 0, 0, []);
        await PublishedStatusIsCurrent();
        var first = control!.TryListNow(root);
        Assert.NotNull(first);
        Assert.Same(first, control.TryListNow(root));

        // A message that moves nothing makes the engine publish again, with the same snapshots.
        await engine.WithSnapshotAsync(records => records.Count).WaitAsync(Bound);
        Assert.Null(engine.CurrentStatus);
        await PublishedStatusIsCurrent();
        Assert.Same(first, control.TryListNow(root));

        // The admin state: disabling changes what the list shows without a job moving.
        await client!.SetEnabledAsync("db", enabled: false).WaitAsync(Bound);
        await PublishedStatusIsCurrent();
        Assert.True(Listed("db").Disabled);

        // The engine: a job that started.
        await client.StartAsync("web").WaitAsync(Bound);
        await PublishedStatusIsCurrent();
        Assert.Equal("running", Listed("web").State);

        // The catalog: a job added by a reload.
        catalog = new JobCatalog(catalog.Jobs.Add("cache", EngineHarness.Service("cache")), []);
        await configuration!.ReloadAsync(false).WaitAsync(Bound);
        await PublishedStatusIsCurrent();
        Assert.Equal("waiting", Listed("cache").State);
        Assert.Same(control.TryListNow(root), control.TryListNow(root));

        UpstartPS.Protocol.Messages.JobInfo Listed(string job) => Assert.Single(control.TryListNow(root)!, j => j.Name == job);
    }

    private static string[] Lines(IReadOnlyList<UpstartPS.Protocol.Messages.JobInfo> jobs) =>
        [.. jobs.Select(j => $"{j.Name} {j.Instance} {j.Goal}/{j.State} {string.Join(",", j.Processes.Select(p => p.Kind + ":" + p.Pid))}")];

    /// <summary>
    /// Asks until the engine has published a status that is current. The first miss asks the engine to
    /// publish once it is idle; the status requests themselves are what lets it get there.
    /// </summary>
    private async Task PublishedStatusIsCurrent()
    {
        var clock = Stopwatch.StartNew();
        while (engine.CurrentStatus is null)
        {
            Assert.True(clock.Elapsed < Bound, "the engine never published its status");
            await client!.StatusAsync("web").WaitAsync(Bound);
        }
    }
}
