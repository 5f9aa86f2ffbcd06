using Upstart.JobFiles.Events;
using static Upstart.JobFiles.Tests.EventTrees;

namespace Upstart.JobFiles.Tests;

/// <summary>
/// HeldOperands and RestoreHold: an expression partly satisfied in one program is put back as it stood in the next
/// (the daemon's re-exec), and a record that does not fit the expression is refused.
/// </summary>
public class EventConditionRestoreTests
{
    [Fact]
    public void Held_operands_name_each_satisfied_operand_and_its_event_in_tree_order()
    {
        var state = new EventConditionState(And(On("a"), And(On("b"), On("a", "X=2"))));
        var a = Emit("a", "X=2");
        state.Handle(a, null);

        var held = state.HeldOperands();

        Assert.Equal([0, 2], held.Select(h => h.Operand));
        Assert.All(held, h => Assert.Same(a, h.Event));
    }

    [Fact]
    public void A_restored_hold_counts_as_the_event_did_and_the_next_event_completes_the_expression()
    {
        var before = new EventConditionState(And(On("a"), On("b")));
        before.Handle(Emit("a", "X=1"), null);
        var after = new EventConditionState(And(On("a"), On("b")));

        foreach (var (operand, emitted) in before.HeldOperands())
        {
            Assert.True(after.RestoreHold(operand, emitted, null));
        }

        Assert.False(after.Value);
        Assert.True(after.Handle(Emit("b", "Y=2"), null));
        Assert.True(after.Value);
        var env = new EnvironmentBuilder();
        after.AppendEnvironment(env, "UPSTART_EVENTS");
        Assert.Equal(["X=1", "Y=2", "UPSTART_EVENTS=a b"], env.ToList());
    }

    [Fact]
    public void A_hold_that_does_not_fit_the_expression_is_refused_and_changes_nothing()
    {
        var state = new EventConditionState(And(On("a", "X=1"), On("b")));

        Assert.False(state.RestoreHold(2, Emit("a", "X=1"), null));
        Assert.False(state.RestoreHold(-1, Emit("a", "X=1"), null));
        Assert.False(state.RestoreHold(0, Emit("a", "X=2"), null));
        Assert.False(state.RestoreHold(1, Emit("a", "X=1"), null));
        Assert.Empty(state.HeldOperands());

        Assert.True(state.RestoreHold(1, Emit("b"), null));
        Assert.False(state.RestoreHold(1, Emit("b"), null));
        Assert.Single(state.HeldOperands());
    }

    [Fact]
    public void A_restored_stop_on_hold_is_checked_against_the_instance_environment()
    {
        var state = new EventConditionState(On("stopping", "JOB=$PARENT"));

        Assert.False(state.RestoreHold(0, Emit("stopping", "JOB=db"), Env("PARENT=web")));
        Assert.True(state.RestoreHold(0, Emit("stopping", "JOB=web"), Env("PARENT=web")));
        Assert.True(state.Value);
    }
}
