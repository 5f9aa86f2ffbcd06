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

    /// <summary>The next program after a re-exec under <paramref name="before"/>'s waiting requests: instances and handover put back.</summary>
    private static EngineHarness ReExec(EngineHarness before, JobClassConfig config)
    {
        var after = new EngineHarness().With(config);
        after.Core.Restore(before.Core.SnapshotInstances(), 0, _ => true, underWay: before.Core.SnapshotWorkUnderWay());
        after.Pump();
        return after;
    }

    [Fact]
    public async Task A_task_that_failed_after_the_exec_and_before_its_await_came_is_a_failed_start()
    {
        var config = EngineHarness.Service() with { Task = true };
        var before = new EngineHarness().With(config);
        _ = before.Start(wait: true);
        var after = ReExec(before, config);

        after.Exit(ProcessKind.Main, 1);
        Assert.Equal("stop/waiting", after.Status());

        var error = await Assert.ThrowsAsync<EngineException>(() => after.Core.Await(RequestKind.Start, "test", []).WaitAsync(Deadline));
        Assert.Equal((EngineError.JobFailedToStart, "Job failed to start"), (error.Error, error.Message));
    }

    [Fact]
    public async Task A_service_that_got_running_and_then_ended_before_its_await_came_is_answered_as_it_stood_when_it_got_there()
    {
        var config = EngineHarness.Service("test", ProcessKind.PreStart);
        var before = new EngineHarness().With(config);
        _ = before.Start(wait: true);
        var after = ReExec(before, config);

        after.Exit(ProcessKind.PreStart, 0);
        var pid = after.Pid(ProcessKind.Main);
        after.Exit(ProcessKind.Main, 0);
        Assert.Equal("stop/waiting", after.Status());

        var snapshot = await after.Core.Await(RequestKind.Start, "test", []).WaitAsync(Deadline);
        Assert.Equal((JobState.Running, pid), (snapshot.State, snapshot.Processes.Single().Pid));
    }

    [Fact]
    public async Task Each_request_handed_over_takes_one_await_and_an_await_beyond_them_waits_on_the_instance()
    {
        var config = EngineHarness.Service("test", ProcessKind.PreStart) with { Instance = "$N" };
        var before = new EngineHarness().With(config);
        _ = before.Start(wait: true, env: "N=1");
        _ = before.Core.Await(RequestKind.Start, "test", ["N=1"]);
        Assert.Equal([new RequestWaitRecord("test", "1", RequestKind.Start, 2)], before.Core.SnapshotRequestWaits());
        var after = ReExec(before, config);

        after.Exit(ProcessKind.PreStart, 0, instance: "1");
        after.Exit(ProcessKind.Main, 0, instance: "1");
        Assert.Equal("stop/waiting", after.Status(instance: "1"));

        var first = await after.Core.Await(RequestKind.Start, "test", ["N=1"]).WaitAsync(Deadline);
        var second = await after.Core.Await(RequestKind.Start, "test", ["N=1"]).WaitAsync(Deadline);
        var beyond = await after.Core.Await(RequestKind.Start, "test", ["N=1"]).WaitAsync(Deadline);

        Assert.Equal((JobState.Running, JobState.Running, JobState.Waiting), (first.State, second.State, beyond.State));
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

    [Fact]
    public async Task An_await_whose_client_went_away_leaves_nothing_on_the_instance()
    {
        // Anyone who may connect may await: awaits sent and dropped must not pile up on a task that runs for hours.
        var h = new EngineHarness().With(EngineHarness.Service() with { Task = true });
        _ = h.Start(wait: false);
        var before = h.Instance().Blocking.Count;
        var abandoned = new List<Task<JobSnapshot>>();
        for (var i = 0; i < 100; i++)
        {
            using var client = new CancellationTokenSource();
            abandoned.Add(h.Settle(h.Core.Await(RequestKind.Start, "test", [], client.Token)));
            await client.CancelAsync();
            h.Pump();
        }

        using var kept = new CancellationTokenSource();
        var awaited = h.Settle(h.Core.Await(RequestKind.Start, "test", [], kept.Token));

        Assert.Equal(before + 1, h.Instance().Blocking.Count);
        Assert.All(abandoned, t => Assert.True(t.IsCanceled));
        h.Exit(ProcessKind.Main, 0);
        Assert.Equal(JobState.Waiting, (await awaited.WaitAsync(Deadline)).State);
    }
}
