using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>Stopping every instance of a job at once: what `disable --now` asks of the engine.</summary>
public sealed class StopInstancesTests
{
    [Fact]
    public async Task Every_running_instance_is_stopped_and_the_request_completes_when_the_last_has()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Instance = "$N" });
        _ = h.Start("test", true, "N=a");
        _ = h.Start("test", true, "N=b");
        var pidA = h.Pid(ProcessKind.Main, instance: "a");
        var pidB = h.Pid(ProcessKind.Main, instance: "b");

        var request = h.Settle(h.Core.StopInstances("test", wait: true));
        Assert.Equal([(pidA, 15, true), (pidB, 15, true)], h.Processes.Signals);
        Assert.Equal(("stop/killed", "stop/killed"), (h.Status(instance: "a"), h.Status(instance: "b")));

        h.KillWith(ProcessKind.Main, 15, instance: "a");
        Assert.False(request.IsCompleted);
        h.KillWith(ProcessKind.Main, 15, instance: "b");

        var stopped = await request.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["a", "b"], stopped.Select(s => s.Instance));
        Assert.All(stopped, s => Assert.Equal((JobGoal.Stop, JobState.Waiting), (s.Goal, s.State)));
        Assert.Equal(("stop/waiting", "stop/waiting"), (h.Status(instance: "a"), h.Status(instance: "b")));
    }

    [Fact]
    public async Task With_nothing_running_the_answer_is_the_jobs_status_and_no_error()
    {
        var h = new EngineHarness().With(EngineHarness.Service());

        var stopped = await h.Settle(h.Core.StopInstances("test", wait: true)).WaitAsync(TimeSpan.FromSeconds(5));

        var only = Assert.Single(stopped);
        Assert.Equal(("test", false), (only.Name, only.HasInstance));
        Assert.Empty(h.Processes.Signals);
    }

    [Fact]
    public async Task An_unknown_job_is_Upstarts_unknown_job_error()
    {
        var h = new EngineHarness().With(EngineHarness.Service());

        var e = await Assert.ThrowsAsync<EngineException>(() => h.Core.StopInstances("nope", wait: true));

        Assert.Equal((EngineError.UnknownJob, "Unknown job: nope"), (e.Error, e.Message));
    }
}
