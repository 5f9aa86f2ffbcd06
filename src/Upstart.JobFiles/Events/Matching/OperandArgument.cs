namespace Upstart.JobFiles.Events.Matching;

/// <summary>How one operand argument selects the event variable it compares with.</summary>
public enum OperandArgumentKind
{
    /// <summary>`VALUE`: the event variable in the same position.</summary>
    Positional,

    /// <summary>`KEY=VALUE`: the variable named KEY must match.</summary>
    Equal,

    /// <summary>`KEY!=VALUE`: the variable named KEY must exist and must not match.</summary>
    NotEqual,
}

/// <summary>
/// One argument of an <see cref="EventMatch"/> split once into key, kind and value pattern, so matching
/// an event does no string splitting. The split follows event_operator_match: a `!=` anywhere makes
/// the argument a negated KEY!=VALUE (key before the first `!=`); otherwise the first `=` separates
/// KEY from VALUE (`OPTS=a=b` is KEY OPTS, value `a=b`); with neither it is positional.
/// </summary>
public sealed class OperandArgument
{
    private OperandArgument(OperandArgumentKind kind, string key, string pattern)
    {
        Kind = kind;
        Key = key;
        Pattern = pattern;
        NeedsExpansion = pattern.Contains('$', StringComparison.Ordinal);

        // start on expands against no environment (UPSTART.md §b.3), so that result never changes:
        // work it out once. Null means the expansion fails and the argument can never match there.
        PatternWithoutEnvironment = VariableExpansion.TryExpand(pattern, null, out var expanded, out _) ? expanded : null;
    }

    public OperandArgumentKind Kind { get; }

    /// <summary>The variable name for KEY= and KEY!=; empty for a positional argument.</summary>
    public string Key { get; }

    /// <summary>The raw value: an fnmatch pattern that may hold `$VAR` references.</summary>
    public string Pattern { get; }

    /// <summary>Whether <see cref="Pattern"/> holds a `$` and so must be expanded before matching.</summary>
    public bool NeedsExpansion { get; }

    /// <summary><see cref="Pattern"/> expanded with no environment, or null when that expansion fails.</summary>
    public string? PatternWithoutEnvironment { get; }

    public static OperandArgument Parse(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var notEqual = argument.IndexOf("!=", StringComparison.Ordinal);
        if (notEqual >= 0)
        {
            return new(OperandArgumentKind.NotEqual, argument[..notEqual], argument[(notEqual + 2)..]);
        }

        var equal = argument.IndexOf('=', StringComparison.Ordinal);
        if (equal >= 0)
        {
            return new(OperandArgumentKind.Equal, argument[..equal], argument[(equal + 1)..]);
        }

        return new(OperandArgumentKind.Positional, "", argument);
    }

    /// <summary>
    /// The pattern to match with under <paramref name="environment"/>, or null when expansion fails
    /// (the operand then silently does not match, as in Upstart).
    /// </summary>
    public string? ResolvePattern(IReadOnlyDictionary<string, string>? environment)
    {
        if (!NeedsExpansion)
        {
            return Pattern;
        }

        if (environment is null)
        {
            return PatternWithoutEnvironment;
        }

        return VariableExpansion.TryExpand(Pattern, environment, out var expanded, out _) ? expanded : null;
    }
}
