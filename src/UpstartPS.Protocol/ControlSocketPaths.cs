using System.Globalization;

namespace UpstartPS.Protocol;

/// <summary>
/// Where the control socket lives, shared by the daemon (which creates it) and every client (which finds it),
/// so the two can never disagree. DESIGN.md decision 5.
/// </summary>
public static class ControlSocketPaths
{
    /// <summary>Overrides every other rule for clients: the socket to talk to.</summary>
    public const string EnvironmentVariable = "UPSTARTPS_SOCKET";

    public const string SocketFileName = "control.sock";

    public const string SystemDirectory = "/run/upstartps";

    public static string SystemSocketPath => Path.Combine(SystemDirectory, SocketFileName);

    /// <summary>
    /// The session daemon's directory: <c>$XDG_RUNTIME_DIR/upstartps</c>, or <c>/tmp/upstartps-UID</c> when
    /// XDG_RUNTIME_DIR is unset (as under su or cron).
    /// </summary>
    public static string SessionDirectory(string? xdgRuntimeDir = null, uint? uid = null)
    {
        // Null means "ask the environment"; empty means "unset".
        xdgRuntimeDir ??= Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(xdgRuntimeDir)
            ? Path.Combine("/tmp", "upstartps-" + (uid ?? CurrentUid()).ToString(CultureInfo.InvariantCulture))
            : Path.Combine(xdgRuntimeDir, "upstartps");
    }

    public static string SessionSocketPath(string? xdgRuntimeDir = null, uint? uid = null) =>
        Path.Combine(SessionDirectory(xdgRuntimeDir, uid), SocketFileName);

    public static string DefaultSocketPath(DaemonMode mode) =>
        mode == DaemonMode.System ? SystemSocketPath : SessionSocketPath();

    /// <summary>
    /// What a client connects to: with <paramref name="system"/> given, that daemon's socket; otherwise
    /// $UPSTARTPS_SOCKET if set, else the session daemon's socket if it exists, else the system one.
    /// </summary>
    public static string Resolve(bool? system = null) => Resolve(system, Environment.GetEnvironmentVariable, File.Exists);

    /// <summary><see cref="Resolve(bool?)"/> with the environment and the file system supplied (for tests).</summary>
    internal static string Resolve(bool? system, Func<string, string?> environment, Func<string, bool> exists)
    {
        var session = SessionSocketPath(environment("XDG_RUNTIME_DIR") ?? "");
        if (system is { } forced)
        {
            return forced ? SystemSocketPath : session;
        }

        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        return exists(session) ? session : SystemSocketPath;
    }

    /// <summary>The effective uid of this process, read from /proc so no native call is needed.</summary>
    public static uint CurrentUid()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                // "Uid:\treal\teffective\tsaved\tfs"
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return uint.Parse(fields[2], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/self/status has no Uid line");
    }
}
