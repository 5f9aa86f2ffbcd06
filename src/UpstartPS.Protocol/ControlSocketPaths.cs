using System.Globalization;
using System.Runtime.InteropServices;

namespace UpstartPS.Protocol;

/// <summary>
/// Where the control socket lives, shared by the daemon (which creates it) and every client (which finds it),
/// so the two can never disagree. DESIGN.md decision 5.
/// </summary>
public static partial class ControlSocketPaths
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
    /// Set by a session daemon in its jobs' environment (`unix:path=SOCKET`), like Upstart's session init:
    /// a client that sees it talks to that session.
    /// </summary>
    public const string SessionEnvironmentVariable = "UPSTART_SESSION";

    /// <summary>What <see cref="SessionEnvironmentVariable"/> holds before the socket path.</summary>
    public const string SessionAddressPrefix = "unix:path=";

    /// <summary>
    /// What a client connects to. With <paramref name="system"/> given (--system / --session), that daemon's
    /// socket. Otherwise $UPSTARTPS_SOCKET if set; else, with $UPSTART_SESSION set, that session; else as
    /// root the system daemon (initctl run as root talks to the system init unless a session is asked for);
    /// else the user's session daemon if its socket exists, else the system one. The choice is final: a
    /// socket nobody answers on is an error that names it, never a reason to try another (docs/protocol.md).
    /// </summary>
    public static string Resolve(bool? system = null) => Resolve(system, Environment.GetEnvironmentVariable, File.Exists, CurrentUid);

    /// <summary><see cref="Resolve(bool?)"/> with the environment, the file system and the uid supplied (front ends' tests).</summary>
    public static string Resolve(bool? system, Func<string, string?> environment, Func<string, bool> exists, Func<uint> uid)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(exists);
        ArgumentNullException.ThrowIfNull(uid);
        if (system == true)
        {
            return SystemSocketPath;
        }

        var session = environment(SessionEnvironmentVariable) is { Length: > 0 } address
            ? SessionFromAddress(address, environment, uid)
            : null;
        if (system == false)
        {
            return session ?? SessionSocketPath(environment("XDG_RUNTIME_DIR") ?? "", uid());
        }

        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        if (session is not null)
        {
            return session;
        }

        if (uid() == 0)
        {
            return SystemSocketPath;
        }

        var own = SessionSocketPath(environment("XDG_RUNTIME_DIR") ?? "", uid());
        return exists(own) ? own : SystemSocketPath;
    }

    /// <summary>
    /// The socket an $UPSTART_SESSION value names: ours are `unix:path=SOCKET`; any other address (a real
    /// Upstart's `unix:abstract=…`) means "this user's session", so the session daemon's usual socket.
    /// </summary>
    private static string SessionFromAddress(string address, Func<string, string?> environment, Func<uint> uid) =>
        SocketPathFromAddress(address) ?? SessionSocketPath(environment("XDG_RUNTIME_DIR") ?? "", uid());

    /// <summary>
    /// The socket path in one of our session addresses (`unix:path=SOCKET`); null for any other address, which
    /// no daemon of ours announces (a real Upstart's `unix:abstract=…`).
    /// </summary>
    public static string? SocketPathFromAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.StartsWith(SessionAddressPrefix, StringComparison.Ordinal) && address.Length > SessionAddressPrefix.Length
            ? address[SessionAddressPrefix.Length..]
            : null;
    }

    /// <summary>
    /// The effective uid of this process. geteuid(2), not /proc/self/status: every client asks it on connecting (a
    /// daemon of another uid is refused), and reading /proc cost upstartctl about 0.3 ms per command.
    /// </summary>
    public static uint CurrentUid() => geteuid();

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
