using UpstartHost.Control;
using UpstartPS.Protocol;

namespace UpstartHost.Tests.Control;

public sealed class LogReaderSlotsTests
{
    [Fact]
    public void A_user_gets_at_most_the_limit_of_log_streams_and_a_closed_one_frees_its_slot()
    {
        var slots = new LogReaderSlots(perUser: 2);
        var first = slots.Take(1000);
        using var second = slots.Take(1000);

        var refused = Assert.Throws<UpstartException>(() => slots.Take(1000));
        Assert.Equal("Too many log streams open for uid 1000 (limit 2)", refused.Message);
        using var other = slots.Take(1001);

        first.Dispose();
        first.Dispose();
        using var third = slots.Take(1000);
        Assert.Equal(2, slots.OpenFor(1000));
    }

    [Fact]
    public void Root_is_never_limited()
    {
        var slots = new LogReaderSlots(perUser: 1);
        var taken = Enumerable.Range(0, 10).Select(_ => slots.Take(0)).ToList();

        Assert.Equal(0, slots.OpenFor(0));
        taken.ForEach(t => t.Dispose());
    }
}
