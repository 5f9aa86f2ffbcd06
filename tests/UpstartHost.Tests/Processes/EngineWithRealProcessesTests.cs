using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// The engine driving the real process layer, from job-file text to real processes and back: the
/// seam both sides code against (IProcessLayer) holds with real exits, expect fork and logs.
/// </summary>
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync.
public sealed class EngineWithRealProcessesTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string logDirectory = Directory.CreateTempSubdirectory("upstartps-engine-logs-").FullName;
    private readonly List<int> sessions = [];
    private ProcessLayer? layer;
    private JobEngine engine = null!;

    public async Task InitializeAsync()
    {
        engine = new JobEngine(
            new EngineOptions { LogDirectory = logDirectory, AppArmorAvailable = false },
            sink => layer = new ProcessLayer(sink),
            new SystemEngineClock(),
            NullLogger<JobEngine>.Instance);
        engine.Start();
        var forker = TestPrograms.Instance.Forker;
        await engine.ApplyCatalogAsync(Catalog(
            ("daemon", $"""
                pre-start exec /bin/echo pre-start ran
                exec {forker} 1 setsid {Path.Combine(logDirectory, "daemon.pid")}
                expect fork
                post-stop script
                  echo post-stop ran
                end script
                """),
            ("flappy", """
                respawn
                respawn limit 5 10
                exec /bin/sleep 1000
                """))).WaitAsync(Bound);
    }

    public async Task DisposeAsync()
    {
        await engine.DisposeAsync();
        ProcessTree.KillSessions([.. sessions]);
        layer?.Dispose();
        Directory.Delete(logDirectory, recursive: true);
    }

    private static JobCatalog Catalog(params (string Name, string Text)[] jobs) =>
        new(jobs.ToImmutableDictionary(j => j.Name, j => JobFileParser.Parse(j.Name, j.Name + ".conf", j.Text).Config!), []);

    private int MainPid(JobSnapshot snapshot)
    {
        var pid = snapshot.Processes.Single(p => p.Kind == ProcessKind.Main).Pid;
        sessions.Add(pid);
        return pid;
    }

    [Fact]
    public async Task An_expect_fork_service_runs_as_its_forked_daemon_and_stops_with_its_logs_written()
    {
        var running = await engine.StartAsync("daemon", [], wait: true).WaitAsync(Bound);
        var daemon = MainPid(running);

        Assert.Equal(JobState.Running, running.State);

        // The forker's parent exits as soon as its child exists (that is the readiness expect fork sees);
        // the child writes the pid file after, so wait for it rather than race it.
        var pidFile = Path.Combine(logDirectory, "daemon.pid");
        await LogText.Eventually(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), "the daemon's pid file");
        Assert.Equal(File.ReadAllText(pidFile).Trim(), daemon.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var stopped = await engine.StopAsync("daemon", [], wait: true).WaitAsync(Bound);

        Assert.Equal(JobState.Waiting, stopped.State);
        await ProcessTree.AssertGone(daemon);
        var log = LogFileName.For(logDirectory, "daemon", "");
        await LogText.Eventually(() => File.Exists(log) && File.ReadAllText(log) == "pre-start ran\npost-stop ran\n", "pre-start and post-stop output in " + log);
    }

    [Fact]
    public async Task A_respawning_service_comes_back_with_a_new_process_after_kill_9()
    {
        var first = MainPid(await engine.StartAsync("flappy", [], wait: true).WaitAsync(Bound));

        layer!.SignalGroup(first, 9);
        var deadline = DateTime.UtcNow + Bound;
        JobSnapshot now;
        do
        {
            await Task.Delay(20);
            now = (await engine.ListAsync().WaitAsync(Bound)).Single(j => j.Name == "flappy");
        }
        while ((now.State != JobState.Running || now.Processes.All(p => p.Pid == first)) && DateTime.UtcNow < deadline);

        var second = MainPid(now);
        Assert.NotEqual(first, second);
        Assert.Equal("sleep", ProcessTree.ReadProcFile(second, "comm")?.Trim());
        await engine.StopAsync("flappy", [], wait: true).WaitAsync(Bound);
        await ProcessTree.AssertGone(first, second);
    }
}
