using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// await: a waiting start/stop/restart the previous program did before it re-executed, answered from here as the
/// request would have been (EngineCore.Await.cs).
/// </summary>
public sealed class AwaitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_start_still_in_pre_start_is_answered_once_the_service_runs()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        _ = h.Start(wait: false);

        var awaited = h.Settle(h.Core.Await(RequestKind.Start, "test", []));
        Assert.False(awaited.IsCompleted);
        h.Exit(ProcessKind.PreStart, 0);

        var snapshot = await awaited.WaitAsync(Deadline);
        Assert.Equal((JobGoal.Start, JobState.Running), (snapshot.Goal, snapshot.State));
    }

    [Fact]
    public async Task A_start_whose_pre_start_fails_is_answered_as_the_start_would_have_been()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        _ = h.Start(wait: false);
        var awaited = h.Settle(h.Core.Await(RequestKind.Start, "test", []));

        h.Exit(ProcessKind.PreStart, 1);

        var error = await Assert.ThrowsAsync<EngineException>(() => awaited.WaitAsync(Deadline));
        Assert.Equal((EngineError.JobFailedToStart, "Job failed to start"), (error.Error, error.Message));
    }

    [Fact]
    public async Task An_instance_already_where_the_request_waits_for_is_answered_at_once()
    {
        var h = new EngineHarness().With(EngineHarness.Service());
        _ = h.Start(wait: false);

        var snapshot = await h.Core.Await(RequestKind.Start, "test", []).WaitAsync(Deadline);

        Assert.Equal(JobState.Running, snapshot.State);
    }

    [Fact]
    public async Task A_stop_whose_instance_is_gone_has_got_there()
    {
        var h = new EngineHarness().With(EngineHarness.Service());

        var snapshot = await h.Core.Await(RequestKind.Stop, "test", []).WaitAsync(Deadline);

        Assert.Equal((JobGoal.Stop, JobState.Waiting), (snapshot.Goal, snapshot.State));
    }

    [Fact]
    public async Task A_task_s_start_is_answered_when_the_task_has_run()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Task = true });
        _ = h.Start(wait: false);
        var awaited = h.Settle(h.Core.Await(RequestKind.Start, "test", []));
        Assert.False(awaited.IsCompleted);

        h.Exit(ProcessKind.Main, 0);

        Assert.Equal(JobState.Waiting, (await awaited.WaitAsync(Deadline)).State);
    }

    [Fact]
    public async Task A_service_that_went_after_failing_is_a_failed_start_and_an_unknown_job_is_refused()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart));
        _ = h.Start(wait: false);
        h.Exit(ProcessKind.PreStart, 1);

        var failed = await Assert.ThrowsAsync<EngineException>(() => h.Core.Await(RequestKind.Restart, "test", []).WaitAsync(Deadline));
        var unknown = await Assert.ThrowsAsync<EngineException>(() => h.Core.Await(RequestKind.Start, "nope", []).WaitAsync(Deadline));

        Assert.Equal((EngineError.JobFailedToStart, "Job failed to restart"), (failed.Error, failed.Message));
        Assert.Equal(EngineError.UnknownJob, unknown.Error);
    }

    [Fact]
    public async Task The_instance_is_the_one_the_request_s_variables_name()
    {
        var h = new EngineHarness().With(EngineHarness.Service("test", ProcessKind.PreStart) with { Instance = "$N" });
        _ = h.Start(wait: false, env: "N=1");
        _ = h.Start(wait: false, env: "N=2");
        var awaited = h.Settle(h.Core.Await(RequestKind.Start, "test", ["N=2"]));

        h.Exit(ProcessKind.PreStart, 0, instance: "1");
        Assert.False(awaited.IsCompleted);
        h.Exit(ProcessKind.PreStart, 0, instance: "2");

        Assert.Equal("2", (await awaited.WaitAsync(Deadline)).Instance);
    }
}
