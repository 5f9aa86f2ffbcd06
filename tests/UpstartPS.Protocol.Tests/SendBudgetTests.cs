using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>The byte budget answers are counted against, per connection and shared per user.</summary>
public sealed class SendBudgetTests
{
    [Fact]
    public void Bytes_are_refused_once_they_would_pass_the_limit_and_given_back_bytes_make_room()
    {
        var budget = new SendBudget(1000);

        Assert.True(budget.TryTake(600));
        Assert.False(budget.TryTake(500));
        Assert.Equal(600, budget.Queued);
        budget.Give(600);
        Assert.True(budget.TryTake(500));
        Assert.Equal(600, budget.Peak);
    }

    [Fact]
    public void One_frame_larger_than_the_limit_may_go_alone_but_nothing_may_queue_behind_it()
    {
        var budget = new SendBudget(1000);

        Assert.True(budget.TryTake(5000));
        Assert.False(budget.TryTake(1));
    }

    [Fact]
    public void A_budget_shared_by_many_takers_never_holds_more_than_its_limit_plus_one_frame()
    {
        var budget = new SendBudget(10_000);
        Parallel.For(0, 100_000, _ =>
        {
            if (budget.TryTake(100))
            {
                budget.Give(100);
            }
        });

        Assert.Equal(0, budget.Queued);
        Assert.InRange(budget.Peak, 100, 10_000);
    }
}
