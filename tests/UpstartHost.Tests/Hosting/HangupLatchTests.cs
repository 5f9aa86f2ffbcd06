using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

/// <summary>Every interleaving of SIGHUPs with the start publishing its watcher leads to one re-arm per signal.</summary>
public sealed class HangupLatchTests
{
    [Fact]
    public void A_hangup_before_the_watcher_exists_is_left_to_the_start_which_re_arms_once()
    {
        var latch = new HangupLatch();

        Assert.False(latch.OnHangup());
        Assert.True(latch.StartWatching());
    }

    [Fact]
    public void Two_hangups_before_the_watcher_exists_still_re_arm_once_at_the_start()
    {
        var latch = new HangupLatch();

        Assert.False(latch.OnHangup());
        Assert.False(latch.OnHangup());
        Assert.True(latch.StartWatching());
    }

    [Fact]
    public void A_start_without_a_hangup_does_not_re_arm()
    {
        Assert.False(new HangupLatch().StartWatching());
    }

    [Fact]
    public void A_hangup_after_the_watcher_exists_is_re_armed_by_the_handler_alone()
    {
        var latch = new HangupLatch();
        Assert.False(latch.StartWatching());

        // The race the integration test once lost: the signal lands after the watcher is published. The
        // handler re-arms; nothing is left pending for anyone else to re-arm a second time.
        Assert.True(latch.OnHangup());
        Assert.True(latch.OnHangup());
        Assert.False(latch.StartWatching());
    }

    [Fact]
    public async Task Hangups_racing_the_start_lead_to_exactly_one_re_arm_each()
    {
        for (var round = 0; round < 200; round++)
        {
            var latch = new HangupLatch();
            var rearms = 0;
            using var go = new Barrier(2);
            var signal = Task.Run(() =>
            {
                go.SignalAndWait();
                if (latch.OnHangup())
                {
                    Interlocked.Increment(ref rearms);
                }
            });
            go.SignalAndWait();
            if (latch.StartWatching())
            {
                Interlocked.Increment(ref rearms);
            }

            await signal.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(1, rearms);
        }
    }
}
