namespace UpstartPS;

/// <summary>
/// One job that a reload of the configuration added, changed or removed (or, with -WhatIf's dry run,
/// would). One object per job so `Where-Object Change -eq Changed` works.
/// </summary>
public sealed class UpstartConfigurationChange
{
    internal UpstartConfigurationChange(string name, string change)
    {
        Name = name;
        Change = change;
    }

    public string Name { get; }

    /// <summary>"Added", "Changed" or "Removed".</summary>
    public string Change { get; }

    public override string ToString() => $"{Change} {Name}";

    internal static IEnumerable<UpstartConfigurationChange> From(Protocol.Messages.ConfigurationChange change) =>
        change.Added.Select(n => new UpstartConfigurationChange(n, "Added"))
            .Concat(change.Changed.Select(n => new UpstartConfigurationChange(n, "Changed")))
            .Concat(change.Removed.Select(n => new UpstartConfigurationChange(n, "Removed")));
}
