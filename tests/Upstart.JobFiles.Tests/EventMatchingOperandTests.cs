using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;
using static Upstart.JobFiles.Tests.EventTrees;

namespace Upstart.JobFiles.Tests;

/// <summary>Matching one event against one operand (event_operator_match, UPSTART.md §b.2).</summary>
public class EventMatchingOperandTests
{
    private static bool Matches(EventMatch operand, IEventData emitted, IReadOnlyDictionary<string, string>? env = null) =>
        new CompiledOperand(operand).Matches(emitted, env);

    [Fact]
    public void The_name_is_compared_literally_and_is_never_a_glob()
    {
        Assert.True(Matches(On("foo"), Emit("foo", "A=1")));
        Assert.False(Matches(On("foo"), Emit("bar")));
        Assert.False(Matches(On("net-device-*"), Emit("net-device-up")));
        Assert.False(Matches(On("Foo"), Emit("foo")));
    }

    [Fact]
    public void Positional_values_compare_by_position_whatever_the_name()
    {
        Assert.True(Matches(On("foo", "foo", "bar"), Emit("foo", "FRODO=foo", "BILBO=bar", "MERRY=baz")));
        Assert.False(Matches(On("runlevel", "2"), Emit("runlevel", "PREVLEVEL=N", "RUNLEVEL=2")));
    }

    [Fact]
    public void More_positional_values_than_event_variables_never_match()
    {
        Assert.False(Matches(On("foo", "foo", "bar", "baz"), Emit("foo", "FRODO=foo", "BILBO=bar")));
        Assert.False(Matches(On("foo", "*"), Emit("foo")));
    }

    [Fact]
    public void Named_values_are_looked_up_in_any_position()
    {
        Assert.True(Matches(On("foo", "BILBO=b?r"), Emit("foo", "FRODO=foo", "BILBO=bar")));
        Assert.True(Matches(On("foo", "foo", "bar", "PIPPIN=quux"), Emit("foo", "FRODO=foo", "BILBO=bar", "MERRY=baz", "PIPPIN=quux")));
    }

    [Fact]
    public void A_missing_variable_fails_even_for_not_equal()
    {
        Assert.False(Matches(On("net-device-up", "IFACE=*"), Emit("net-device-up", "ADDRFAM=inet")));
        Assert.False(Matches(On("net-device-up", "IFACE!=lo"), Emit("net-device-up", "ADDRFAM=inet")));
    }

    [Fact]
    public void Not_equal_passes_only_when_the_value_does_not_match()
    {
        Assert.False(Matches(On("net-device-up", "IFACE!=lo"), Emit("net-device-up", "IFACE=lo")));
        Assert.True(Matches(On("net-device-up", "IFACE!=lo"), Emit("net-device-up", "IFACE=eth0")));
        Assert.False(Matches(On("net-device-up", "IFACE!=eth*"), Emit("net-device-up", "IFACE=eth0")));
    }

    [Fact]
    public void Every_argument_must_pass()
    {
        Assert.False(Matches(On("foo", "FRODO=foo", "BILBO=baz", "MERRY=bar"), Emit("foo", "FRODO=foo", "BILBO=bar", "MERRY=baz")));
        Assert.False(Matches(On("foo", "FRODO=foo", "BILBO!=bar", "MERRY=baz"), Emit("foo", "FRODO=foo", "BILBO=bar", "MERRY=baz")));
    }

    [Fact]
    public void Only_the_first_equals_sign_separates_key_from_value()
    {
        Assert.True(Matches(On("foo", "OPTS=a=b"), Emit("foo", "OPTS=a=b")));
        Assert.False(Matches(On("foo", "OPTS=a"), Emit("foo", "OPTS=a=b")));
    }

    [Fact]
    public void An_empty_value_matches_only_an_empty_variable()
    {
        Assert.True(Matches(On("foo", "KEY="), Emit("foo", "KEY=")));
        Assert.False(Matches(On("foo", "KEY="), Emit("foo", "KEY=x")));
    }

    [Fact]
    public void A_key_is_matched_whole_not_as_a_prefix()
    {
        Assert.False(Matches(On("foo", "KEY=x"), Emit("foo", "KEYS=x")));
        Assert.False(Matches(On("foo", "KEYS=x"), Emit("foo", "KEY=x")));
    }

    [Fact]
    public void The_first_variable_of_a_repeated_key_is_used()
    {
        Assert.True(Matches(On("foo", "K=1"), Emit("foo", "K=1", "K=2")));
        Assert.False(Matches(On("foo", "K=2"), Emit("foo", "K=1", "K=2")));
    }

    [Fact]
    public void A_failed_expansion_silently_does_not_match()
    {
        Assert.False(Matches(On("foo", "X=$MISSING"), Emit("foo", "X=")));
        Assert.False(Matches(On("foo", "X!=$MISSING"), Emit("foo", "X=anything")));
        Assert.False(Matches(On("foo", "X=${BROKEN"), Emit("foo", "X=${BROKEN")));
    }

    [Fact]
    public void Values_expand_then_match_as_patterns()
    {
        Assert.True(Matches(On("foo", "$FOO"), Emit("foo", "FRODO=foo", "BILBO=bar"), Env("FOO=foo")));
        Assert.True(Matches(On("foo", "X=${}*"), Emit("foo", "X=$anything")));
        Assert.False(Matches(On("foo", "X=${}*"), Emit("foo", "X=anything")));
    }

    [Fact]
    public void An_escaped_star_matches_only_a_literal_star()
    {
        Assert.True(Matches(On("foo", "X=\\*"), Emit("foo", "X=*")));
        Assert.False(Matches(On("foo", "X=\\*"), Emit("foo", "X=x")));
    }

    [Fact]
    public void An_event_entry_without_an_equals_sign_has_no_key_and_an_empty_value()
    {
        // Upstart never emits such an entry (initctl emit rejects it); matching stays total anyway.
        Assert.False(Matches(On("foo", "BARE=*"), Emit("foo", "BARE")));
        Assert.True(Matches(On("foo", ""), Emit("foo", "BARE")));
        Assert.False(Matches(On("foo", "BARE"), Emit("foo", "BARE")));
    }

    [Fact]
    public void A_positional_value_after_a_named_one_takes_the_variable_after_the_named_match()
    {
        // Unreachable from job files (the parser rejects it) but mirrors Upstart's single cursor.
        Assert.True(Matches(On("foo", "B=2", "3"), Emit("foo", "A=1", "B=2", "C=3")));
        Assert.False(Matches(On("foo", "B=2", "1"), Emit("foo", "A=1", "B=2", "C=3")));
    }

    [Fact]
    public void Arguments_are_split_into_kind_key_and_pattern_once()
    {
        var positional = OperandArgument.Parse("eth*");
        var equal = OperandArgument.Parse("OPTS=a=b");
        var notEqual = OperandArgument.Parse("IFACE!=lo");
        var expanding = OperandArgument.Parse("X=${Y:-1}");

        Assert.Equal((OperandArgumentKind.Positional, "", "eth*"), (positional.Kind, positional.Key, positional.Pattern));
        Assert.Equal((OperandArgumentKind.Equal, "OPTS", "a=b"), (equal.Kind, equal.Key, equal.Pattern));
        Assert.Equal((OperandArgumentKind.NotEqual, "IFACE", "lo"), (notEqual.Kind, notEqual.Key, notEqual.Pattern));
        Assert.True(expanding.NeedsExpansion);
        Assert.Equal("1", expanding.PatternWithoutEnvironment);
        Assert.Null(OperandArgument.Parse("X=$Y").PatternWithoutEnvironment);
    }

    [Fact]
    public void An_event_without_environment_matches_only_argument_free_operands()
    {
        var bare = new NullEnvironmentEvent("foo");

        Assert.True(Matches(On("foo"), bare));
        Assert.False(Matches(On("foo", "X=*"), bare));
        Assert.False(Matches(On("foo", "*"), bare));
    }

    private sealed class NullEnvironmentEvent(string name) : IEventData
    {
        public string Name { get; } = name;

        public IReadOnlyList<string> Environment => null!;
    }
}
