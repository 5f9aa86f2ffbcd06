using System.Globalization;
using System.Net.Sockets;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;

namespace UpstartHost.Hosting;

/// <summary>
/// The control socket's listening descriptor, kept open across a re-exec: the old program stops accepting when it
/// hands its streams over, and connections made from then on wait in the socket's backlog until the new program
/// accepts them, where they would otherwise find no socket or a refusal while the exec runs (docs/daemon.md,
/// "Re-exec step by step"). It goes over in one variable, <c>PID:FD</c>, taken only by that same process.
/// </summary>
internal static class InheritedControlListener
{
    public const string Variable = "UPSTARTPS_CONTROL_LISTENER";

    /// <summary>The variable for the next program: this process, this descriptor.</summary>
    public static string Entry(int fd) =>
        string.Create(CultureInfo.InvariantCulture, $"{Variable}={Environment.ProcessId}:{fd}");

    public static bool IsEntry(string entry) => entry.StartsWith(Variable + "=", StringComparison.Ordinal);

    /// <summary>
    /// Takes the listener the previous program left, once, before anything is spawned: close-on-exec again (no job
    /// may inherit it) and the variable removed (no job may see it). Null when there is none, or when what the
    /// variable names is not a listening Unix stream socket bound to <paramref name="socketPath"/> in this process
    /// (then <paramref name="problem"/> says why, and the daemon creates the socket as at a first start).
    /// </summary>
    public static Socket? TakeFromEnvironment(string socketPath, out string? problem)
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        Environment.SetEnvironmentVariable(Variable, null);
        problem = null;
        if (value is null)
        {
            return null;
        }

        var fd = Parse(value, Environment.ProcessId);
        if (fd is null)
        {
            problem = $"{Variable}={value} is not this process's PID:FD";
            return null;
        }

        problem = Check(fd.Value, socketPath);
        if (problem is not null || !InheritedDescriptor.SetCloseOnExec(fd.Value, true))
        {
            problem ??= $"descriptor {fd} cannot be made close-on-exec";
            return null;
        }

        return new Socket(new SafeSocketHandle(fd.Value, ownsHandle: true));
    }

    /// <summary>The descriptor, when <paramref name="value"/> is <c>PID:FD</c> for <paramref name="ownPid"/>; null otherwise.</summary>
    public static int? Parse(string value, int ownPid)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && int.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid == ownPid
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd > 2
            ? fd
            : null;
    }

    /// <summary>Null when <paramref name="fd"/> is a listening Unix stream socket bound to <paramref name="socketPath"/>; else what it is not.</summary>
    /// <remarks>
    /// Asked of the kernel directly: a Socket made over a descriptor that turns out to be something else may act
    /// on it when disposed, and whatever it is stays open, untouched.
    /// </remarks>
    public static unsafe string? Check(int fd, string socketPath)
    {
        if (Option(fd, Libc.SO_DOMAIN) is not { } domain)
        {
            return $"descriptor {fd} is not a socket";
        }

        if (domain != Libc.AF_UNIX || Option(fd, Libc.SO_TYPE) != Libc.SOCK_STREAM)
        {
            return $"descriptor {fd} is not a Unix stream socket";
        }

        if (Option(fd, Libc.SO_ACCEPTCONN) is not (> 0))
        {
            return $"descriptor {fd} is not listening";
        }

        // struct sockaddr_un: the family (2 bytes), then the path, NUL-terminated unless it fills all 108 bytes.
        var address = stackalloc byte[110];
        uint length = 110;
        if (Libc.getsockname(fd, address, &length) != 0 || length <= 2)
        {
            return $"descriptor {fd} is bound to no path";
        }

        var path = new ReadOnlySpan<byte>(address + 2, (int)Math.Min(length, 110) - 2);
        var end = path.IndexOf((byte)0);
        var bound = System.Text.Encoding.UTF8.GetString(end < 0 ? path : path[..end]);
        return bound == socketPath ? null : $"descriptor {fd} is bound to {bound}, not {socketPath}";
    }

    private static unsafe int? Option(int fd, int option)
    {
        int value;
        uint length = sizeof(int);
        return Libc.getsockopt(fd, Libc.SOL_SOCKET, option, &value, &length) == 0 ? value : null;
    }
}

/// <summary>The listening socket the previous program left across its re-exec (<see cref="InheritedControlListener"/>); none at a first start.</summary>
public sealed record ControlListenerFromReExec(Socket? Socket)
{
    public static ControlListenerFromReExec None { get; } = new((Socket?)null);
}
