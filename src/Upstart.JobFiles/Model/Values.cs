namespace Upstart.JobFiles.Model;

/// <summary>
/// `respawn limit COUNT INTERVAL`; `unlimited` is 0 0, and either being 0 means no limit. COUNT is an int
/// and INTERVAL a time_t (64-bit) in Upstart's JobClass, so a failed override can leave either negative.
/// </summary>
public readonly record struct RespawnLimit(int Count, long IntervalSeconds)
{
    public static RespawnLimit Default => new(10, 5);

    public bool IsUnlimited => Count == 0 || IntervalSeconds == 0;
}

/// <summary>A soft/hard pair from `limit`; <see cref="Infinity"/> is RLIM_INFINITY ("unlimited").</summary>
public readonly record struct ResourceLimit(ulong Soft, ulong Hard)
{
    public const ulong Infinity = ulong.MaxValue;
}

/// <summary>
/// An item of `normal exit`: an exit status, or a signal. Upstart stores a signal as signo&lt;&lt;8,
/// so `normal exit 256` and `normal exit HUP` are the same item; <see cref="Encoded"/> is that form.
/// </summary>
public readonly record struct ExitStatus(int Encoded, bool IsSignal)
{
    public static ExitStatus FromStatus(int status) => new(status, false);

    public static ExitStatus FromSignal(int signal) => new(signal << 8, true);

    public int Signal => IsSignal ? Encoded >> 8 : 0;
}

/// <summary>One `cgroup` setting. Key and Value are null for a controller/name with no setting.</summary>
public sealed record CgroupSetting(string Controller, string Name, string? Key, string? Value);
