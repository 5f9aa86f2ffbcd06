using System.Collections.Immutable;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>The engine on its own thread: requests, notices and timers arrive as messages.</summary>
#pragma warning disable CA1001 // xunit disposes the engine through IAsyncLifetime.DisposeAsync.
public sealed class JobEngineTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeProcessLayer _processes = new();
    private readonly FakeClock _clock = new();
    private readonly CapturingLogger<JobEngine> _log = new();
    private readonly JobEngine _engine;

    public JobEngineTests()
    {
        _engine = new JobEngine(new EngineOptions { AppArmorAvailable = false }, _processes, _clock, _log);
        _processes.Sink = _engine;
    }

    public async Task InitializeAsync()
    {
        _engine.Start();
        var jobs = new[]
        {
            EngineHarness.Service("web") with { Description = "web server" },
            EngineHarness.Service("once") with { Task = true },
        };
        await _engine.ApplyCatalogAsync(new JobCatalog(jobs.ToImmutableDictionary(j => j.Name), [])).WaitAsync(Bound);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_start_request_returns_once_the_service_is_running()
    {
        var snapshot = await _engine.StartAsync("web", [], wait: true).WaitAsync(Bound);

        Assert.Equal((JobGoal.Start, JobState.Running), (snapshot.Goal, snapshot.State));
        Assert.Equal(ProcessKind.Main, Assert.Single(snapshot.Processes).Kind);
    }

    [Fact]
    public async Task A_reply_comes_after_the_events_its_message_emitted()
    {
        var request = _engine.StartAsync("once", [], wait: true);
        var pid = await MainPid("once");
        bool? replyDuringStopped = null;
        _engine.Notification += n =>
        {
            if (n.Kind == NotificationKind.Event && n.Name == "stopped" && n.Environment.Contains("JOB=once"))
            {
                // Still inside the message that ended the task: its reply must not be out yet, however long this takes.
                replyDuringStopped = ((IAsyncResult)request).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(1));
            }
        };

        await Task.Run(() => _engine.Post(new ProcessExited(pid, 0, false)));

        await request.WaitAsync(Bound);
        Assert.False(replyDuringStopped);
    }

    [Fact]
    public async Task A_task_request_returns_when_the_reaped_exit_is_posted_from_another_thread()
    {
        var request = _engine.StartAsync("once", [], wait: true);
        var pid = await MainPid("once");

        await Task.Run(() => _engine.Post(new ProcessExited(pid, 0, false)));

        var snapshot = await request.WaitAsync(Bound);
        Assert.Equal((JobGoal.Stop, JobState.Waiting), (snapshot.Goal, snapshot.State));
    }

    [Fact]
    public async Task The_kill_timeout_fires_through_the_engine_thread()
    {
        await _engine.StartAsync("web", [], wait: true).WaitAsync(Bound);
        var pid = await MainPid("web");
        var stop = _engine.StopAsync("web", [], wait: true);
        await _engine.ListAsync().WaitAsync(Bound);

        _clock.Advance(TimeSpan.FromSeconds(5));
        await _engine.ListAsync().WaitAsync(Bound);
        Assert.Contains((pid, SignalNames.Kill, true), _processes.Signals);
        _engine.Post(new ProcessExited(pid, SignalNames.Kill << 8, true));

        var snapshot = await stop.WaitAsync(Bound);
        Assert.Equal(JobState.Waiting, snapshot.State);
    }

    [Fact]
    public async Task An_emit_that_waits_returns_when_the_event_has_finished()
    {
        var seen = new TaskCompletionSource<EngineNotification>(TaskCreationOptions.RunContinuationsAsynchronously);
        _engine.Notification += n =>
        {
            if (n is { Kind: NotificationKind.Event, Name: "ping" })
            {
                seen.TrySetResult(n);
            }
        };

        await _engine.EmitAsync("ping", ["A=1"], wait: true).WaitAsync(Bound);

        Assert.Equal(["A=1"], (await seen.Task.WaitAsync(Bound)).Environment);
    }

    [Fact]
    public async Task Errors_reach_the_caller_with_initctl_text()
    {
        var error = await Assert.ThrowsAsync<EngineException>(() => _engine.StartAsync("nope", [], wait: true).WaitAsync(Bound));

        Assert.Equal("Unknown job: nope", error.Message);
    }

    [Fact]
    public async Task The_job_definition_is_available_for_show_config()
    {
        var config = await _engine.GetJobConfigAsync("web").WaitAsync(Bound);
        var all = await _engine.GetJobConfigsAsync().WaitAsync(Bound);

        Assert.Equal("web server", config!.Description);
        Assert.Equal(["once", "web"], all.Select(c => c.Name));
    }

    [Fact]
    public async Task Stop_all_completes_when_every_instance_is_gone()
    {
        await _engine.StartAsync("web", [], wait: true).WaitAsync(Bound);
        var pid = await MainPid("web");

        var all = _engine.StopAllAsync();
        await _engine.ListAsync().WaitAsync(Bound);
        _engine.Post(new ProcessExited(pid, 15 << 8, true));

        await all.WaitAsync(Bound);
        Assert.All(await _engine.ListAsync().WaitAsync(Bound), s => Assert.False(s.HasInstance));
    }

    [Fact]
    public async Task After_disposal_requests_are_refused()
    {
        await _engine.DisposeAsync();

        var error = await Assert.ThrowsAsync<EngineException>(() => _engine.ListAsync().WaitAsync(Bound));
        Assert.Equal(EngineError.ShuttingDown, error.Error);
    }

    private async Task<int> MainPid(string job)
    {
        var list = await _engine.ListAsync().WaitAsync(Bound);
        return list.Single(s => s.Name == job).Processes.Single(p => p.Kind == ProcessKind.Main).Pid;
    }

    [Fact]
    public async Task A_process_layer_can_be_built_with_the_engine_as_its_notice_sink()
    {
        IProcessNoticeSink? sink = null;
        await using var engine = new JobEngine(
            new EngineOptions { AppArmorAvailable = false },
            s =>
            {
                sink = s;
                return _processes;
            },
            _clock,
            _log);

        Assert.Same(engine, sink);
    }
}
