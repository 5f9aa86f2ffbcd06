namespace Upstart.JobFiles.Checking;

/// <summary>What `check` looks at besides syntax.</summary>
public sealed record CheckOptions
{
    /// <summary>Run the check-config analysis (unknown events and jobs in conditions). On by default.</summary>
    public bool AnalyzeConditions { get; init; } = true;

    /// <summary>Events to treat as emitted (initctl check-config -i).</summary>
    public IReadOnlyList<string> IgnoredEvents { get; init; } = [];

    /// <summary>Make unreachable conditions fail the check (exit 1) instead of being warnings.</summary>
    public bool FailOnUnreachable { get; init; }

    /// <summary>Warn at each stanza Upstart 1.13 would reject (<see cref="UpstartCompatibility"/>); the check still passes. Off by default.</summary>
    public bool UpstartCompatible { get; init; }

    public static CheckOptions Default { get; } = new();
}
