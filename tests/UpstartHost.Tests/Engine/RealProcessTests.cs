using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Engine;
using UpstartHost.Processes;
using UpstartHost.Tests.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// The engine with the real process layer and the real clock: the path the daemon takes. Each test
/// bounds its waits and proves no process is left behind.
/// </summary>
[Collection(RealProcessTestGroup.Name)]
#pragma warning disable CA1001 // xunit disposes both through IAsyncLifetime.DisposeAsync.
public sealed class RealProcessTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly string _logs = Directory.CreateTempSubdirectory("upstartps-engine-").FullName;
    private ProcessLayer? _layer;
    private JobEngine _engine = null!;

    public Task InitializeAsync()
    {
        _engine = new JobEngine(
            new EngineOptions { LogDirectory = _logs, AppArmorAvailable = false },
            sink => _layer = new ProcessLayer(sink),
            new SystemEngineClock(),
            NullLogger<JobEngine>.Instance);
        _engine.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            await _engine.StopAllAsync().WaitAsync(Bound);
        }
        finally
        {
            await _engine.DisposeAsync();
            _layer?.Dispose();
            Directory.Delete(_logs, recursive: true);
        }
    }

    private Task Load(params (string Name, string Text)[] jobs) =>
        _engine.ApplyCatalogAsync(new Upstart.JobFiles.Loading.JobCatalog(
            jobs.ToImmutableDictionary(j => j.Name, j => JobFiles.Parse(j.Name, j.Text)), []));

    [Fact]
    public async Task A_service_runs_until_stopped_and_leaves_nothing_behind()
    {
        await Load(("sleeper", "exec sleep 60\n"));

        var started = await _engine.StartAsync("sleeper", [], wait: true).WaitAsync(Bound);
        var pid = started.Processes.Single().Pid;
        Assert.True(ProcessTree.Exists(pid));

        var stopped = await _engine.StopAsync("sleeper", [], wait: true).WaitAsync(Bound);

        Assert.Equal(JobState.Waiting, stopped.State);
        await ProcessTree.AssertGone(pid);
    }

    [Fact]
    public async Task A_killed_service_is_respawned_with_a_new_pid()
    {
        await Load(("sleeper", "respawn\nexec sleep 60\n"));
        var respawned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var starts = 0;

        // Subscribed before the first start: `started` is handled just after a waiting start returns.
        _engine.Notification += n =>
        {
            if (n is { Kind: NotificationKind.Event, Name: "started" } && ++starts == 2)
            {
                respawned.TrySetResult();
            }
        };
        var first = (await _engine.StartAsync("sleeper", [], wait: true).WaitAsync(Bound)).Processes.Single().Pid;

        _layer!.SignalGroup(first, 9);

        await respawned.Task.WaitAsync(Bound);
        var second = (await _engine.ListAsync().WaitAsync(Bound)).Single().Processes.Single().Pid;
        Assert.NotEqual(first, second);
        await ProcessTree.AssertGone(first);
    }

    [Fact]
    public async Task A_failing_pre_start_fails_the_start_and_main_never_runs()
    {
        await Load(("broken", "pre-start exec false\nexec sleep 60\n"));

        var error = await Assert.ThrowsAsync<EngineException>(() => _engine.StartAsync("broken", [], wait: true).WaitAsync(Bound));

        Assert.Equal(EngineError.JobFailedToStart, error.Error);
        Assert.Equal("stop/waiting", (await _engine.ListAsync().WaitAsync(Bound)).Single() is var s ? $"{s.Goal.ToUpstartName()}/{s.State.ToUpstartName()}" : "");
    }

    [Fact]
    public async Task A_task_start_returns_when_the_task_has_run_and_its_output_is_logged()
    {
        await Load(("hello", "task\nexec echo hello from the task\n"));

        var done = await _engine.StartAsync("hello", [], wait: true).WaitAsync(Bound);

        Assert.Equal(JobState.Waiting, done.State);
        // The console pump and the log writer run on their own threads: wait for the output, bounded.
        var log = Path.Combine(_logs, "hello.log");
        await LogText.Eventually(() => File.Exists(log) && File.ReadAllText(log).Contains("hello from the task", StringComparison.Ordinal), "the task's output in its log");
    }

    [Fact]
    public async Task A_process_ignoring_the_kill_signal_is_killed_after_the_kill_timeout()
    {
        await Load(("stubborn", "kill timeout 1\nscript\n  trap '' TERM\n  while :; do sleep 1; done\nend script\n"));
        var pid = (await _engine.StartAsync("stubborn", [], wait: true).WaitAsync(Bound)).Processes.Single().Pid;

        var stopped = await _engine.StopAsync("stubborn", [], wait: true).WaitAsync(Bound);

        Assert.Equal(JobState.Waiting, stopped.State);
        await ProcessTree.AssertGone(pid);
    }
}

/// <summary>
/// Runs the engine's real-process tests alone: their console-log spawns once coincided with the process
/// layer's "only fds 0 to 2" check in another class (a rare flake seen when both ran in parallel).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealProcessTestGroup
{
    public const string Name = "engine with real processes";
}
