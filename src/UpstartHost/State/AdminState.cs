using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace UpstartHost.State;

/// <summary>
/// What administrators decided and the daemon must remember across restarts and reboots
/// (DESIGN.md decision 7): the jobs they disabled. Immutable; each change is a new value written by
/// <see cref="AdminStateStore"/>. A plain stop is not here: it is Upstart's stop, with no lasting effect
/// (docs/beyond-upstart.md).
/// </summary>
public sealed record AdminState
{
    /// <summary>
    /// The file format this daemon writes. Version 1 also held "stopped" marks (a stop suspended the job's
    /// `start on` for good); version 2 dropped them, and loading a version 1 file drops them too.
    /// </summary>
    public const int CurrentVersion = 2;

    public static AdminState Empty { get; } = new();

    /// <summary>Jobs an administrator disabled: neither events nor start requests start them until enabled.</summary>
    public ImmutableSortedSet<string> Disabled { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    /// <summary>True when events must not start <paramref name="job"/>.</summary>
    public bool SuppressesEvents(string job) => Disabled.Contains(job);

    public AdminState WithDisabled(string job, bool disabled) =>
        this with { Disabled = disabled ? Disabled.Add(job) : Disabled.Remove(job) };

    public bool Equivalent(AdminState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Disabled.SetEquals(other.Disabled);
    }
}

/// <summary>
/// The on-disk shape (plain arrays, sorted, so the file diffs well). <see cref="Stopped"/> is only ever
/// read, from version 1 files, to name the marks being dropped; it is never written.
/// </summary>
internal sealed record AdminStateFile(int Version, string[]? Disabled, string[]? Stopped = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminStateFile))]
internal sealed partial class AdminStateJsonContext : JsonSerializerContext;
