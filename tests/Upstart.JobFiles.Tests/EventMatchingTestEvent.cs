using System.Collections.Immutable;
using Upstart.JobFiles.Events;

namespace Upstart.JobFiles.Tests;

/// <summary>An emitted event for matcher tests: a name and KEY=VALUE strings in order.</summary>
internal sealed class EventMatchingTestEvent(string name, params string[] environment) : IEventData
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Environment { get; } = environment;

    public override string ToString() => Name + " " + string.Join(' ', environment);
}

/// <summary>Builders for hand-made event trees, so the matcher is tested without the parser.</summary>
internal static class EventTrees
{
    public static EventMatch On(string name, params string[] arguments) => new(name, [.. arguments]);

    public static EventAnd And(EventExpression left, EventExpression right) => new(left, right);

    public static EventOr Or(EventExpression left, EventExpression right) => new(left, right);

    public static EventMatchingTestEvent Emit(string name, params string[] environment) => new(name, environment);

    public static Dictionary<string, string> Env(params string[] entries)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            var eq = e.IndexOf('=', StringComparison.Ordinal);
            d[e[..eq]] = e[(eq + 1)..];
        }

        return d;
    }

    public static ImmutableArray<string> Args(params string[] arguments) => [.. arguments];
}
