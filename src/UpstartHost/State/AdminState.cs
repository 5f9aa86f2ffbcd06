using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace UpstartHost.State;

/// <summary>
/// What administrators decided and the daemon must remember across restarts and reboots
/// (DESIGN.md decision 7): jobs they stopped, and jobs they disabled. Immutable; each change is a new
/// value written by <see cref="AdminStateStore"/>.
/// </summary>
public sealed record AdminState
{
    public static AdminState Empty { get; } = new();

    /// <summary>File format version, so a later daemon can migrate.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Jobs an administrator stopped: events do not start them until an administrator starts them.</summary>
    public ImmutableSortedSet<string> Stopped { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    /// <summary>Jobs an administrator disabled: neither events nor start requests start them until enabled.</summary>
    public ImmutableSortedSet<string> Disabled { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    /// <summary>True when events must not start <paramref name="job"/>.</summary>
    public bool SuppressesEvents(string job) => Stopped.Contains(job) || Disabled.Contains(job);

    public AdminState WithStopped(string job, bool stopped) =>
        this with { Stopped = stopped ? Stopped.Add(job) : Stopped.Remove(job) };

    public AdminState WithDisabled(string job, bool disabled) =>
        this with { Disabled = disabled ? Disabled.Add(job) : Disabled.Remove(job) };

    public bool Equivalent(AdminState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Stopped.SetEquals(other.Stopped) && Disabled.SetEquals(other.Disabled);
    }
}

/// <summary>The on-disk shape (plain arrays, sorted, so the file diffs well).</summary>
internal sealed record AdminStateFile(int Version, string[] Stopped, string[] Disabled);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(AdminStateFile))]
internal sealed partial class AdminStateJsonContext : JsonSerializerContext;
