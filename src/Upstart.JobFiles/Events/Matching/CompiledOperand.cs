using System.Collections.Immutable;

namespace Upstart.JobFiles.Events.Matching;

/// <summary>
/// An <see cref="EventMatch"/> leaf prepared for matching (event_operator_match, UPSTART.md §b.2):
/// the name is compared literally, then each argument left to right; a positional argument takes the
/// event variable after the one the previous argument used, a KEY= / KEY!= argument looks KEY up by
/// name; a missing variable, a failed expansion or a failed fnmatch means no match.
/// </summary>
public sealed class CompiledOperand
{
    public CompiledOperand(EventMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        Match = match;
        Name = match.Name;
        var arguments = match.Arguments.IsDefault ? [] : match.Arguments;
        var builder = ImmutableArray.CreateBuilder<OperandArgument>(arguments.Length);
        foreach (var argument in arguments)
        {
            builder.Add(OperandArgument.Parse(argument));
        }

        Arguments = builder.MoveToImmutable();
    }

    public EventMatch Match { get; }

    public string Name { get; }

    public ImmutableArray<OperandArgument> Arguments { get; }

    /// <summary>Whether <paramref name="emitted"/> satisfies this operand, expanding values against <paramref name="environment"/>.</summary>
    public bool Matches(IEventData emitted, IReadOnlyDictionary<string, string>? environment)
    {
        ArgumentNullException.ThrowIfNull(emitted);
        if (!string.Equals(Name, emitted.Name, StringComparison.Ordinal))
        {
            return false;
        }

        if (Arguments.IsEmpty)
        {
            return true;
        }

        var variables = emitted.Environment;
        var count = variables?.Count ?? 0;

        // Upstart walks the event environment with one cursor: a positional argument uses the entry
        // under it, a named argument moves it to the entry found. The parser only allows positional
        // arguments first, where this is simply "by position".
        var cursor = 0;
        foreach (var argument in Arguments)
        {
            var index = argument.Kind == OperandArgumentKind.Positional ? cursor : IndexOfKey(variables!, count, argument.Key);
            if (index < 0 || index >= count)
            {
                return false;
            }

            var pattern = argument.ResolvePattern(environment);
            if (pattern is null)
            {
                return false;
            }

            var matched = Fnmatch.IsMatch(pattern, ValueOf(variables![index]));
            if (matched == (argument.Kind == OperandArgumentKind.NotEqual))
            {
                return false;
            }

            cursor = index + 1;
        }

        return true;
    }

    /// <summary>The first entry "KEY=…" (environ_lookup: an entry without `=` has no key to find).</summary>
    private static int IndexOfKey(IReadOnlyList<string>? variables, int count, string key)
    {
        for (var i = 0; i < count; i++)
        {
            var entry = variables![i];
            if (entry is not null && entry.Length > key.Length && entry[key.Length] == '='
                && entry.AsSpan(0, key.Length).SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The text after the first `=`; an entry without `=` (never emitted by Upstart) has an empty value.</summary>
    private static ReadOnlySpan<char> ValueOf(string? entry)
    {
        if (entry is null)
        {
            return [];
        }

        var eq = entry.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? [] : entry.AsSpan(eq + 1);
    }
}
