using UpstartPS.Protocol;

namespace UpstartPS.Connection;

/// <summary>
/// The live session daemons of a session directory as UpstartSession objects: the same files and skipping rules
/// as upstartctl list-sessions (SessionFiles), the same address-to-socket mapping as the client's own discovery
/// (ControlSocketPaths), so the module can never list a session differently from how it would reach it.
/// </summary>
internal static class LiveSessions
{
    /// <summary>
    /// Every live session in <paramref name="directory"/>, by process id; the one whose socket is
    /// <paramref name="currentSocket"/> (the module's default daemon) is marked IsCurrent.
    /// </summary>
    public static IReadOnlyList<UpstartSession> Read(string directory, string? currentSocket, Func<int, bool>? isAlive = null) =>
        SessionFiles.List(directory, isAlive)
            .Select(s =>
            {
                var socket = ControlSocketPaths.SocketPathFromAddress(s.Address);
                return new UpstartSession(s.Pid, s.Address, socket, IsSameSocket(socket, currentSocket));
            })
            .OrderBy(s => s.ProcessId)
            .ToList();

    /// <summary>
    /// Same file by path: both made absolute (against the process's directory, as the client connects) and
    /// normalised, so `/run/user/1000//upstartps/./control.sock` in UPSTARTPS_SOCKET still counts as that session.
    /// </summary>
    internal static bool IsSameSocket(string? socket, string? other)
    {
        if (string.IsNullOrEmpty(socket) || string.IsNullOrEmpty(other))
        {
            return false;
        }

        return string.Equals(Path.GetFullPath(socket), Path.GetFullPath(other), StringComparison.Ordinal);
    }
}
