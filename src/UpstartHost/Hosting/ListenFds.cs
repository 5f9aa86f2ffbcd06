using System.Globalization;
using UpstartHost.Processes;

namespace UpstartHost.Hosting;

/// <summary>
/// The descriptors a service manager passed at start (sd_listen_fds(3)): LISTEN_FDS of them from fd 3 on,
/// meant for us only when LISTEN_PID is our pid, named by LISTEN_FDNAMES (colon-separated, one per fd).
/// Here they are the `console log` channels systemd's file-descriptor store kept for us through a crash.
/// </summary>
internal static class ListenFds
{
    public const int First = 3;

    /// <summary>More than any store could hold (systemd caps FileDescriptorStoreMax= far lower).</summary>
    private const int MaxCount = 65536;

    private static readonly string[] Variables = ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"];

    public static bool IsListenVariable(string entry) =>
        Variables.Any(v => entry.StartsWith(v + "=", StringComparison.Ordinal));

    /// <summary>
    /// The passed descriptors and their names (null when unnamed, or when the names do not match the
    /// count); none when LISTEN_PID is not <paramref name="ownPid"/> (they were meant for another process,
    /// and the numbers may be anything of ours) or LISTEN_FDS is not a sane count.
    /// </summary>
    public static IReadOnlyList<(int Fd, string? Name)> Parse(string? listenPid, string? listenFds, string? listenFdNames, int ownPid)
    {
        if (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != ownPid
            || !int.TryParse(listenFds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is <= 0 or > MaxCount)
        {
            return [];
        }

        var names = listenFdNames?.Split(':');
        if (names is not null && names.Length != count)
        {
            names = null;
        }

        var fds = new (int, string?)[count];
        for (var i = 0; i < count; i++)
        {
            fds[i] = (First + i, names?[i]);
        }

        return fds;
    }

    /// <summary>
    /// Takes them from the environment, once, before anything is spawned: each becomes close-on-exec (no
    /// job may inherit one) and the variables are removed (no job may see them).
    /// </summary>
    public static IReadOnlyList<(int Fd, string? Name)> TakeFromEnvironment()
    {
        var fds = Parse(
            Environment.GetEnvironmentVariable("LISTEN_PID"),
            Environment.GetEnvironmentVariable("LISTEN_FDS"),
            Environment.GetEnvironmentVariable("LISTEN_FDNAMES"),
            Environment.ProcessId);
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        return [.. fds.Where(f => InheritedDescriptor.SetCloseOnExec(f.Fd, true))];
    }
}
