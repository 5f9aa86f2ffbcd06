using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

public sealed class RespawnWindowTests
{
    [Fact]
    public void The_first_respawn_opens_a_window_and_the_count_past_the_limit_is_a_runaway()
    {
        var window = new RespawnWindow();
        var limit = new RespawnLimit(3, 5);

        Assert.False(window.IsRunaway(limit, 100));
        Assert.False(window.IsRunaway(limit, 101));
        Assert.False(window.IsRunaway(limit, 104));
        Assert.True(window.IsRunaway(limit, 104));
    }

    [Fact]
    public void The_window_is_fixed_not_sliding()
    {
        var window = new RespawnWindow();
        var limit = new RespawnLimit(2, 5);
        window.IsRunaway(limit, 100);
        window.IsRunaway(limit, 104);

        // 105 is INTERVAL seconds after the window opened: a new window, count back to 1.
        Assert.False(window.IsRunaway(limit, 105));
        Assert.Equal(1, window.Count);
        Assert.Equal(105, window.OpenedAt);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    public void A_zero_count_or_interval_is_unlimited(int count, int interval)
    {
        var window = new RespawnWindow();

        for (var i = 0; i < 100; i++)
        {
            Assert.False(window.IsRunaway(new RespawnLimit(count, interval), 100));
        }
    }
}
