using Upstart.JobFiles.Events;
using static Upstart.JobFiles.Tests.EventTrees;

namespace Upstart.JobFiles.Tests;

/// <summary>EventSubscriptionIndex: event name → the subscribers whose trees mention it.</summary>
public class EventSubscriptionIndexTests
{
    [Fact]
    public void A_subscriber_is_found_under_every_event_its_tree_mentions()
    {
        var index = new EventSubscriptionIndex<string>();
        index.Add("web", And(On("local-filesystems"), On("net-device-up", "IFACE!=lo")));

        Assert.Equal(["web"], index.SubscribersOf("local-filesystems"));
        Assert.Equal(["web"], index.SubscribersOf("net-device-up"));
        Assert.Empty(index.SubscribersOf("startup"));
    }

    [Fact]
    public void Names_are_exact_never_globs_or_case_folded()
    {
        var index = new EventSubscriptionIndex<string>();
        index.Add("job", On("net-device-*"));

        Assert.Empty(index.SubscribersOf("net-device-up"));
        Assert.Empty(index.SubscribersOf("NET-DEVICE-*"));
        Assert.Equal(["job"], index.SubscribersOf("net-device-*"));
    }

    [Fact]
    public void A_subscriber_appears_once_per_name_however_often_its_trees_mention_it()
    {
        var index = new EventSubscriptionIndex<string>();
        index.Add("job", And(On("a"), On("a", "X=1")));
        index.Add("job", Or(On("a"), On("b")));

        Assert.Equal(["job"], index.SubscribersOf("a"));
        Assert.Equal(["job"], index.SubscribersOf("b"));
        Assert.Equal(1, index.Count);
        Assert.Equal(["a", "b"], index.EventsOf("job").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Subscribers_are_listed_in_the_order_they_subscribed()
    {
        var index = new EventSubscriptionIndex<string>();
        index.Add("c", On("e"));
        index.Add("a", On("e"));
        index.Add("b", On("e"));

        Assert.Equal(["c", "a", "b"], index.SubscribersOf("e"));
    }

    [Fact]
    public void Removing_a_subscriber_drops_it_from_every_event_and_forgets_empty_names()
    {
        var index = new EventSubscriptionIndex<string>();
        index.Add("one", Or(On("a"), On("b")));
        index.Add("two", On("a"));

        Assert.True(index.Remove("one"));

        Assert.Equal(["two"], index.SubscribersOf("a"));
        Assert.Empty(index.SubscribersOf("b"));
        Assert.False(index.Contains("one"));
        Assert.False(index.Remove("one"));
        Assert.Empty(index.EventsOf("one"));
    }

    [Fact]
    public void A_subscriber_can_be_removed_and_added_again_with_a_new_tree()
    {
        var index = new EventSubscriptionIndex<string>();
        index.Add("job", On("old"));
        index.Remove("job");
        index.AddNames("job", ["new"]);

        Assert.Empty(index.SubscribersOf("old"));
        Assert.Equal(["job"], index.SubscribersOf("new"));
    }

    [Fact]
    public void Only_subscribers_of_an_event_are_returned_among_many()
    {
        var index = new EventSubscriptionIndex<int>();
        for (var i = 0; i < 1000; i++)
        {
            index.Add(i, And(On(i % 100 == 0 ? "rare" : "common"), On("job-" + i)));
        }

        Assert.Equal([0, 100, 200, 300, 400, 500, 600, 700, 800, 900], index.SubscribersOf("rare"));
        Assert.Equal(990, index.SubscribersOf("common").Count);
        Assert.Equal([42], index.SubscribersOf("job-42"));
    }

    [Fact]
    public void A_custom_comparer_decides_subscriber_identity()
    {
        var index = new EventSubscriptionIndex<string>(StringComparer.OrdinalIgnoreCase);
        index.Add("Job", On("a"));
        index.Add("JOB", On("b"));

        Assert.Equal(1, index.Count);
        Assert.True(index.Remove("job"));
        Assert.Empty(index.SubscribersOf("a"));
        Assert.Empty(index.SubscribersOf("b"));
    }
}
