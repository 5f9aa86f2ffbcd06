namespace UpstartPS;

/// <summary>
/// One variable of a job environment table, as Get-UpstartEnvironment emits it: the daemon's global table
/// (Job and Instance null; every job instance starts from it) or one instance's own environment (Job set,
/// Instance "" for a job with no `instance` stanza, as on UpstartJob). Flat, so it survives remoting, and
/// its Name, Value, Job and Instance bind by property name to Set- and Remove-UpstartEnvironment, which
/// then act on the same table.
/// </summary>
#pragma warning disable CA1036 // IComparable is for Sort-Object's default order; two reads of one variable are not "equal" objects.
public sealed class UpstartEnvironmentVariable : IComparable<UpstartEnvironmentVariable>, IComparable
#pragma warning restore CA1036
{
    internal UpstartEnvironmentVariable(string name, string value, string? job, string? instance)
    {
        Name = name;
        Value = value;
        Job = job;
        Instance = job is null ? null : instance ?? "";
    }

    public string Name { get; }

    public string Value { get; }

    /// <summary>The job whose instance's environment this is; null for the global table.</summary>
    public string? Job { get; }

    /// <summary>The instance ("" for a job without an `instance` stanza); null for the global table.</summary>
    public string? Instance { get; }

    /// <summary>VAR=VALUE, as initctl list-env prints it.</summary>
    public override string ToString() => $"{Name}={Value}";

    /// <summary>The global table first, then by job and instance; within a table by name (ordinal, as initctl sorts).</summary>
    public int CompareTo(UpstartEnvironmentVariable? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byJob = string.CompareOrdinal(Job, other.Job);
        if (byJob != 0)
        {
            return byJob;
        }

        var byInstance = string.CompareOrdinal(Instance, other.Instance);
        return byInstance != 0 ? byInstance : string.CompareOrdinal(Name, other.Name);
    }

    public int CompareTo(object? obj) => obj is UpstartEnvironmentVariable variable ? CompareTo(variable) : 1;
}
