using Upstart.JobFiles.Events;
using static Upstart.JobFiles.Tests.EventTrees;

namespace Upstart.JobFiles.Tests;

/// <summary>EventConditionState: handling events, sticky values, reset and the resulting environment (UPSTART.md §b.2–b.4).</summary>
public class EventMatchingConditionTests
{
    private static List<string> StartEnvironment(EventConditionState state, params string[] defaults)
    {
        var env = new EnvironmentBuilder();
        foreach (var d in defaults)
        {
            env.SetEntry(d);
        }

        state.AppendEnvironment(env, "UPSTART_EVENTS");
        return env.ToList();
    }

    [Fact]
    public void A_fresh_condition_is_false_and_holds_nothing()
    {
        var state = new EventConditionState(And(On("a"), On("b")));

        Assert.False(state.Value);
        Assert.Empty(state.HeldEvents());
        Assert.Empty(state.ContributingEvents());
    }

    [Fact]
    public void And_needs_both_events_and_lists_them_in_tree_order_whatever_the_arrival_order()
    {
        var state = new EventConditionState(And(On("a"), On("b")));

        Assert.True(state.Handle(Emit("b", "Y=2"), null));
        Assert.False(state.Value);
        Assert.True(state.Handle(Emit("a", "X=1"), null));
        Assert.True(state.Value);

        Assert.Equal(["X=1", "Y=2", "UPSTART_EVENTS=a b"], StartEnvironment(state));
    }

    [Fact]
    public void A_satisfied_operand_keeps_its_first_event_and_ignores_later_ones()
    {
        var state = new EventConditionState(And(On("a"), On("b")));
        var first = Emit("a", "N=1");

        Assert.True(state.Handle(first, null));
        Assert.False(state.Handle(Emit("a", "N=2"), null));
        Assert.True(state.Handle(Emit("b"), null));

        Assert.Same(first, state.ContributingEvents()[0]);
        Assert.Equal(["N=1", "UPSTART_EVENTS=a b"], StartEnvironment(state));
    }

    [Fact]
    public void One_event_can_satisfy_two_operands_and_is_listed_once_per_operand()
    {
        var state = new EventConditionState(And(On("a"), On("a", "X=1")));
        var a = Emit("a", "X=1");

        Assert.True(state.Handle(a, null));
        Assert.True(state.Value);

        Assert.Single(state.HeldEvents());
        Assert.Equal([a, a], state.ContributingEvents());
        Assert.Equal(["X=1", "UPSTART_EVENTS=a a"], StartEnvironment(state));
    }

    [Fact]
    public void An_event_satisfying_only_one_of_two_same_named_operands_is_still_used()
    {
        var state = new EventConditionState(And(On("a"), On("a", "X=1")));

        Assert.True(state.Handle(Emit("a", "X=2"), null));
        Assert.False(state.Value);
        Assert.True(state.Handle(Emit("a", "X=1"), null));
        Assert.True(state.Value);

        // The later event's X replaces the earlier one in place.
        Assert.Equal(["X=1", "UPSTART_EVENTS=a a"], StartEnvironment(state));
        Assert.Equal(2, state.HeldEvents().Count);
    }

    [Fact]
    public void An_unrelated_event_is_not_used()
    {
        var state = new EventConditionState(Or(On("a"), On("b")));

        Assert.False(state.Handle(Emit("c"), null));
        Assert.False(state.Value);
        Assert.Empty(state.HeldEvents());
    }

    [Fact]
    public void A_matched_operand_under_a_false_branch_contributes_nothing_but_stays_held()
    {
        var state = new EventConditionState(Or(And(On("a"), On("b")), On("c")));
        var a = Emit("a", "A=1");
        var c = Emit("c", "C=3");

        state.Handle(a, null);
        state.Handle(c, null);

        Assert.True(state.Value);
        Assert.Equal([c], state.ContributingEvents());
        Assert.Equal([a, c], state.HeldEvents());
        Assert.Equal(["C=3", "UPSTART_EVENTS=c"], StartEnvironment(state));
    }

    [Fact]
    public void Both_sides_of_a_true_or_contribute()
    {
        var state = new EventConditionState(Or(On("a"), On("b")));

        state.Handle(Emit("b", "B=2"), null);
        state.Handle(Emit("a", "A=1"), null);

        Assert.Equal(["A=1", "B=2", "UPSTART_EVENTS=a b"], StartEnvironment(state));
    }

    [Fact]
    public void Event_variables_override_env_defaults_in_place()
    {
        var state = new EventConditionState(On("a"));
        state.Handle(Emit("a", "X=fromevent"), null);

        Assert.Equal(["X=fromevent", "KEEP=yes", "UPSTART_EVENTS=a"], StartEnvironment(state, "X=default", "KEEP=yes"));
    }

    [Fact]
    public void Stop_environment_uses_the_list_variable_given()
    {
        var state = new EventConditionState(On("runlevel", "[!2345]"));
        state.Handle(Emit("runlevel", "RUNLEVEL=0", "PREVLEVEL=2"), Env());

        var env = new EnvironmentBuilder();
        state.AppendEnvironment(env, "UPSTART_STOP_EVENTS");

        Assert.Equal(["RUNLEVEL=0", "PREVLEVEL=2", "UPSTART_STOP_EVENTS=runlevel"], env.ToList());
    }

    [Fact]
    public void A_false_condition_appends_an_empty_event_list()
    {
        var state = new EventConditionState(And(On("a"), On("b")));
        state.Handle(Emit("a", "X=1"), null);

        Assert.Equal(["UPSTART_EVENTS="], StartEnvironment(state));
    }

    [Fact]
    public void Reset_makes_everything_false_and_releases_held_events()
    {
        var state = new EventConditionState(And(On("a"), On("b")));
        state.Handle(Emit("a"), null);
        state.Handle(Emit("b"), null);

        state.Reset();

        Assert.False(state.Value);
        Assert.Empty(state.HeldEvents());
        Assert.True(state.Handle(Emit("b"), null));
        Assert.False(state.Value);
        Assert.True(state.Handle(Emit("a"), null));
        Assert.True(state.Value);
    }

    [Fact]
    public void After_a_reset_only_events_emitted_again_count()
    {
        // init(5) BUGS: A and (B or C).
        var state = new EventConditionState(And(On("A"), Or(On("B"), On("C"))));
        state.Handle(Emit("A"), null);
        Assert.True(state.Handle(Emit("B"), null));
        Assert.True(state.Value);

        state.Reset();

        Assert.True(state.Handle(Emit("C"), null));
        Assert.False(state.Value);
    }

    [Fact]
    public void Start_context_values_cannot_see_the_job_environment()
    {
        var state = new EventConditionState(On("starting", "JOB=$FOO"));

        Assert.False(state.Handle(Emit("starting", "JOB=bar", "INSTANCE="), null));
    }

    [Fact]
    public void Start_context_values_can_use_forms_that_need_no_variable()
    {
        var state = new EventConditionState(And(On("a", "MODE=${MODE:-fast}"), On("b", "P=${}x")));

        Assert.True(state.Handle(Emit("a", "MODE=fast"), null));
        Assert.True(state.Handle(Emit("b", "P=$x"), null));
        Assert.True(state.Value);
    }

    [Fact]
    public void Stop_context_values_expand_against_the_job_environment()
    {
        var state = new EventConditionState(On("device-removed", "DEVPATH=$DEVPATH"));
        var env = Env("DEVPATH=/devices/sda");

        Assert.False(state.Handle(Emit("device-removed", "DEVPATH=/devices/sdb"), env));
        Assert.True(state.Handle(Emit("device-removed", "DEVPATH=/devices/sda"), env));
    }

    [Fact]
    public void An_expanded_value_is_itself_a_pattern()
    {
        var state = new EventConditionState(On("net-device-down", "IFACE=$PAT"));

        Assert.True(state.Handle(Emit("net-device-down", "IFACE=eth1"), Env("PAT=eth*")));
    }

    [Fact]
    public void One_tree_object_can_back_many_independent_states()
    {
        var tree = And(On("a"), On("b"));
        var first = new EventConditionState(tree);
        var second = new EventConditionState(tree);

        first.Handle(Emit("a"), null);
        first.Handle(Emit("b"), null);

        Assert.True(first.Value);
        Assert.False(second.Value);
        Assert.Empty(second.HeldEvents());
    }

    [Fact]
    public void A_very_deep_left_leaning_tree_is_handled_without_recursion()
    {
        // `e and e and e …` as the parser builds it: each operator takes everything so far as its left child.
        EventExpression tree = On("e");
        for (var i = 1; i < 100_000; i++)
        {
            tree = new EventAnd(tree, On("e"));
        }

        var state = new EventConditionState(tree);

        Assert.True(state.Handle(Emit("e"), null));
        Assert.True(state.Value);
        Assert.Equal(100_000, state.ContributingEvents().Count);
        Assert.Single(state.HeldEvents());
    }

    [Fact]
    public void Event_names_are_distinct_and_in_tree_order()
    {
        var state = new EventConditionState(Or(And(On("b"), On("a", "X=1")), On("a")));

        Assert.Equal(["b", "a"], state.EventNames);
    }

    [Fact]
    public void Event_entries_without_an_equals_sign_never_reach_the_job_environment()
    {
        var state = new EventConditionState(On("a"));
        state.Handle(Emit("a", "X=1", "BARE", "X=2", "=nokey"), null);

        Assert.Equal(["X=2", "UPSTART_EVENTS=a"], StartEnvironment(state));
    }
}
