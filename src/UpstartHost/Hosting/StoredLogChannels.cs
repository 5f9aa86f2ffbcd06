using UpstartHost.Engine;
using UpstartHost.Logging;

namespace UpstartHost.Hosting;

/// <summary>
/// What the daemon takes from its environment, first thing, for systemd's file-descriptor store: where
/// to send channels (NOTIFY_SOCKET, and FDSTORE, the unit's FileDescriptorStoreMax=) and the channels
/// an earlier daemon left there, handed back as LISTEN_FDS (docs/daemon.md, "Restarting the daemon").
/// </summary>
internal sealed record StoredLogChannels(string? NotifySocket, string? FdStore, IReadOnlyList<(int Fd, string? Name)> Inherited)
{
    public static StoredLogChannels None { get; } = new(null, null, []);

    /// <summary>Before <see cref="SystemdHosting.TakeFromEnvironment"/>, which removes NOTIFY_SOCKET.</summary>
    public static StoredLogChannels TakeFromEnvironment()
    {
        var stored = new StoredLogChannels(
            Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
            Environment.GetEnvironmentVariable("FDSTORE"),
            ListenFds.TakeFromEnvironment());
        Environment.SetEnvironmentVariable("FDSTORE", null);
        return stored;
    }

    /// <summary>
    /// Splits the inherited descriptors: a channel of an instance the earlier daemon recorded (by its
    /// name's key, <see cref="LogChannelName"/>) that is really a pty master becomes that instance's log
    /// channel again, read into the instance's log file; every other descriptor is left over, to close.
    /// </summary>
    public static (List<LogChannel> Matched, List<(int Fd, string? Name)> LeftOver) Match(
        IReadOnlyList<(int Fd, string? Name)> inherited,
        IReadOnlyList<InstanceRecord> recorded,
        string logDir,
        Func<int, bool> isPtyMaster,
        LogFileClaims? claims = null)
    {
        ArgumentNullException.ThrowIfNull(inherited);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(isPtyMaster);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var r in recorded.Where(r => r.State != JobState.Waiting))
        {
            // The file the instance's next spawn would log to (an instance with none has no channel to take).
            if (LogFileName.Resolve(logDir, r.Job, r.Instance, claims ?? LogFileClaims.None) is { } path)
            {
                paths.TryAdd(LogChannelName.Key(r.Job, r.Instance), path);
            }
        }

        var matched = new List<LogChannel>();
        var leftOver = new List<(int Fd, string? Name)>();
        foreach (var (fd, name) in inherited)
        {
            if (name is not null && LogChannelName.KeyOf(name) is { } key && paths.TryGetValue(key, out var path) && isPtyMaster(fd))
            {
                matched.Add(new LogChannel(fd, path, name));
            }
            else
            {
                leftOver.Add((fd, name));
            }
        }

        return (matched, leftOver);
    }
}
