using UpstartPS.Connection;

namespace UpstartPS.Tests.Logic;

public sealed class BlockingTests
{
    [Fact]
    public void A_result_is_returned_on_the_calling_thread()
    {
        var thread = Environment.CurrentManagedThreadId;
        var result = Blocking.Run(async ct =>
        {
            await Task.Yield();
            return 42;
        }, CancellationToken.None);
        Assert.Equal(42, result);
        Assert.Equal(thread, Environment.CurrentManagedThreadId);
    }

    [Fact]
    public void The_operation_s_own_exception_comes_out_unwrapped() =>
        Assert.Throws<InvalidOperationException>(() => Blocking.Run<int>(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("no");
        }, CancellationToken.None));

    [Fact]
    public void Running_out_of_time_is_a_TimeoutException()
    {
        var error = Assert.Throws<TimeoutException>(() =>
            Blocking.Run(async ct =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return 0;
            }, CancellationToken.None, TimeSpan.FromMilliseconds(50)));
        Assert.Contains("0.05 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_cancels_the_operation_and_ends_the_wait()
    {
        using var stop = new CancellationTokenSource();
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        stop.CancelAfter(50);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Blocking.Run(async ct =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    seen.SetResult(ct.IsCancellationRequested);
                }

                return 0;
            }, stop.Token));
        Assert.True(await seen.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_long_wait_beats_its_heartbeat_every_slice()
    {
        var beats = 0;
        Blocking.Run(async ct =>
        {
            await Task.Delay(Blocking.Slice + TimeSpan.FromSeconds(1), ct);
            return 0;
        }, CancellationToken.None, heartbeat: () => beats++);
        Assert.Equal(1, beats);
    }
}
