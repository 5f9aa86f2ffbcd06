using UpstartPS.Connection;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class StateWaiterTests
{
    private static Func<CancellationToken, Task<IReadOnlyList<JobInfo>>> Sequence(params JobInfo[][] lists)
    {
        var i = 0;
        return _ => Task.FromResult<IReadOnlyList<JobInfo>>(lists[Math.Min(i++, lists.Length - 1)]);
    }

    [Fact]
    public async Task The_wait_ends_when_the_instance_reaches_the_state()
    {
        var list = Sequence(
            [new JobInfo { Name = "web", State = "starting", HasInstance = true }],
            [new JobInfo { Name = "web", State = "running", HasInstance = true, Processes = [new("main", 42)] }]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reached = await StateWaiter.WaitForStateAsync(list, "web", "", "running", cts.Token);
        Assert.Equal(42, Assert.Single(reached.Processes).Pid);
    }

    [Fact]
    public async Task An_instance_that_went_away_has_reached_waiting()
    {
        var list = Sequence([new JobInfo { Name = "tty", Instance = "tty1", State = "running", HasInstance = true }], [new JobInfo { Name = "tty" }]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reached = await StateWaiter.WaitForStateAsync(list, "tty", "tty1", "waiting", cts.Token);
        Assert.Equal("waiting", reached.State);
    }

    [Fact]
    public async Task A_job_that_does_not_exist_fails_the_wait()
    {
        var error = await Assert.ThrowsAsync<UpstartException>(() => StateWaiter.WaitForStateAsync(Sequence(Array.Empty<JobInfo>()), "ghost", "", "running", CancellationToken.None));
        Assert.Equal(UpstartErrorCode.UnknownJob, error.Code);
    }

    [Fact]
    public async Task The_wait_is_cancellable()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            StateWaiter.WaitForStateAsync(Sequence([new JobInfo { Name = "web", State = "starting", HasInstance = true }]), "web", "", "running", cts.Token));
    }
}
