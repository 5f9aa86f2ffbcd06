using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>The engine's pid table on its own: ownership, the instance's pid slots and the spawn-confirmation rules.</summary>
public sealed class ProcessTableTests
{
    private static JobInstance NewInstance(string name = "test") =>
        new(new JobClass(EngineHarness.Service(name, ProcessKind.PreStart)), "");

    [Fact]
    public void A_spawn_is_owned_unconfirmed_and_fills_the_instances_slot()
    {
        var table = new ProcessTable();
        var instance = NewInstance();

        table.AddSpawning(instance, ProcessKind.Main, 100);

        Assert.True(table.TryGetOwner(100, out var owner, out var kind));
        Assert.Same(instance, owner);
        Assert.Equal(ProcessKind.Main, kind);
        Assert.Equal(ProcessPhase.Spawning, table.PhaseOf(100));
        Assert.True(table.IsUnconfirmed(100));
        Assert.Equal(100, instance.Pid(ProcessKind.Main));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Confirming_a_spawn_makes_it_confirmed_once()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddSpawning(instance, ProcessKind.Main, 100);

        Assert.True(table.TryConfirm(100, out var owner, out var kind, out var early));
        Assert.Same(instance, owner);
        Assert.Equal(ProcessKind.Main, kind);
        Assert.Null(early);
        Assert.Equal(ProcessPhase.Confirmed, table.PhaseOf(100));
        Assert.False(table.TryConfirm(100, out _, out _, out _));
    }

    [Fact]
    public void An_exit_before_the_confirmation_is_held_and_handed_back_with_it()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddSpawning(instance, ProcessKind.Main, 100);
        var exit = new ProcessExited(100, 3, false);

        Assert.True(table.TryHoldEarlyExit(exit));
        Assert.Equal(ProcessPhase.ExitedBeforeConfirmation, table.PhaseOf(100));
        Assert.True(table.IsUnconfirmed(100));
        Assert.Equal(100, instance.Pid(ProcessKind.Main));

        Assert.True(table.TryConfirm(100, out _, out _, out var early));
        Assert.Same(exit, early);
    }

    [Fact]
    public void An_exit_of_a_confirmed_or_unknown_pid_is_not_held()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddConfirmed(instance, ProcessKind.Main, 100);

        Assert.False(table.TryHoldEarlyExit(new ProcessExited(100, 0, false)));
        Assert.False(table.TryHoldEarlyExit(new ProcessExited(999, 0, false)));
        Assert.Equal(ProcessPhase.Confirmed, table.PhaseOf(100));
    }

    [Fact]
    public void A_failed_spawn_is_forgotten_with_its_held_exit_and_its_slot_cleared()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddSpawning(instance, ProcessKind.PreStart, 100);
        table.TryHoldEarlyExit(new ProcessExited(100, 127, false));

        Assert.True(table.TryRemoveFailedSpawn(100, out var owner, out var kind));

        Assert.Same(instance, owner);
        Assert.Equal(ProcessKind.PreStart, kind);
        Assert.Null(table.PhaseOf(100));
        Assert.Equal(0, instance.Pid(ProcessKind.PreStart));
        Assert.False(table.TryConfirm(100, out _, out _, out _));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_spawn_failure_after_the_confirmation_is_ignored()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddSpawning(instance, ProcessKind.Main, 100);
        table.TryConfirm(100, out _, out _, out _);

        Assert.False(table.TryRemoveFailedSpawn(100, out _, out _));
        Assert.Equal(100, instance.Pid(ProcessKind.Main));
    }

    [Fact]
    public void A_reaped_process_is_forgotten_and_its_slot_cleared()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddConfirmed(instance, ProcessKind.Main, 100);

        Assert.True(table.TryRemoveExited(100, out var owner, out var kind));

        Assert.Same(instance, owner);
        Assert.Equal(ProcessKind.Main, kind);
        Assert.Equal(0, instance.Pid(ProcessKind.Main));
        Assert.False(table.TryRemoveExited(100, out _, out _));
    }

    [Fact]
    public void Following_a_fork_moves_main_to_the_new_pid_confirmed()
    {
        var table = new ProcessTable();
        var instance = NewInstance();
        table.AddSpawning(instance, ProcessKind.Main, 100);
        table.TryConfirm(100, out _, out _, out _);

        table.Follow(100, 200);

        Assert.Null(table.PhaseOf(100));
        Assert.Equal(ProcessPhase.Confirmed, table.PhaseOf(200));
        Assert.Equal(200, instance.Pid(ProcessKind.Main));
        Assert.True(table.TryGetOwner(200, out var owner, out _));
        Assert.Same(instance, owner);
    }

    [Fact]
    public void Forgetting_every_process_of_an_instance_leaves_other_instances_alone()
    {
        var table = new ProcessTable();
        var gone = NewInstance("gone");
        var other = NewInstance("other");
        table.AddSpawning(gone, ProcessKind.Main, 100);
        table.AddConfirmed(gone, ProcessKind.PreStart, 101);
        table.AddConfirmed(other, ProcessKind.Main, 200);

        table.ForgetAll(gone);

        Assert.Null(table.PhaseOf(100));
        Assert.Null(table.PhaseOf(101));
        Assert.All(Enum.GetValues<ProcessKind>(), k => Assert.Equal(0, gone.Pid(k)));
        Assert.Equal(200, other.Pid(ProcessKind.Main));
        Assert.Equal(1, table.Count);
    }
}
