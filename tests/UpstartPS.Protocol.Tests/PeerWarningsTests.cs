using UpstartPS.Protocol.Server;

namespace UpstartPS.Protocol.Tests;

/// <summary>Warnings about what non-root clients did reach the log once per interval for each uid (PeerWarnings.cs).</summary>
public sealed class PeerWarningsTests
{
    [Fact]
    public void A_users_warnings_within_the_interval_are_counted_into_the_next_one_logged()
    {
        var log = new List<string>();
        var warnings = new PeerWarnings((m, _) => log.Add(m), TimeSpan.FromHours(1));

        for (var i = 0; i < 1000; i++)
        {
            warnings.Warn(1001, "refused", null);
        }

        warnings.Warn(1002, "other user", null);

        Assert.Equal(["refused", "other user"], log);
    }

    [Fact]
    public void After_the_interval_the_next_warning_says_how_many_were_left_out()
    {
        var log = new List<string>();
        var now = 0L;
        var warnings = new PeerWarnings((m, _) => log.Add(m), TimeSpan.FromSeconds(10), () => now);

        warnings.Warn(1001, "a", null);
        now = 1_000;
        warnings.Warn(1001, "b", null);
        warnings.Warn(1001, "c", null);
        now = 10_000;
        warnings.Warn(1001, "d", null);
        now = 20_000;
        warnings.Warn(1001, "e", null);

        Assert.Equal(["a", "d (2 more such warnings left out since the last one logged)", "e"], log);
    }

    [Fact]
    public void Roots_warnings_and_an_interval_of_zero_are_all_logged()
    {
        var log = new List<string>();
        var forRoot = new PeerWarnings((m, _) => log.Add(m), TimeSpan.FromHours(1));
        var unthrottled = new PeerWarnings((m, _) => log.Add(m), TimeSpan.Zero);

        forRoot.Warn(0, "root", null);
        forRoot.Warn(0, "root", null);
        unthrottled.Warn(1001, "user", null);
        unthrottled.Warn(1001, "user", null);

        Assert.Equal(["root", "root", "user", "user"], log);
    }
}
