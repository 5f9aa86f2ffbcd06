namespace UpstartHost.Processes.Cgroups;

/// <summary>What the daemon was told about job cgroups (host.json `jobCgroups`, `cgroupRoot`).</summary>
public sealed record JobCgroupOptions
{
    /// <summary>False turns job cgroups off (today's process-group-only behaviour, no warning).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The cgroup2 directory to make the daemon's directory in; null: the daemon's own cgroup.</summary>
    public string? Root { get; init; }

    /// <summary>The control socket: names the daemon's directory, so daemons side by side (and a re-exec'd one) never mix.</summary>
    public required string SocketPath { get; init; }
}
