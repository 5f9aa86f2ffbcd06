using System.Globalization;

namespace UpstartPS;

/// <summary>
/// One live session daemon, as Get-UpstartSession finds it in `$XDG_RUNTIME_DIR/upstart/sessions/PID.session`
/// (initctl list-sessions' `PID ADDRESS`), without connecting to it. SocketPath is what -SocketPath of the other
/// cmdlets takes; IsCurrent says whether it is the daemon they talk to when -SocketPath is left out. Flat, so it
/// survives remoting.
/// </summary>
#pragma warning disable CA1036 // IComparable is for Sort-Object's default order (by pid), not an equality of sessions.
public sealed class UpstartSession : IComparable<UpstartSession>, IComparable
#pragma warning restore CA1036
{
    internal UpstartSession(int processId, string address, string? socketPath, bool isCurrent)
    {
        ProcessId = processId;
        Address = address;
        SocketPath = socketPath;
        IsCurrent = isCurrent;
    }

    /// <summary>The session daemon's pid (the session file's name).</summary>
    public int ProcessId { get; }

    /// <summary>The UPSTART_SESSION value the daemon announced (`unix:path=SOCKET`).</summary>
    public string Address { get; }

    /// <summary>The control socket the address names; null for an address of another form (not one of ours).</summary>
    public string? SocketPath { get; }

    /// <summary>True when this is the daemon the module's cmdlets use without -SocketPath, as things stand now.</summary>
    public bool IsCurrent { get; }

    /// <summary>`PID ADDRESS`, as initctl list-sessions prints it.</summary>
    public override string ToString() => ProcessId.ToString(CultureInfo.InvariantCulture) + " " + Address;

    public int CompareTo(UpstartSession? other) => other is null ? 1 : ProcessId.CompareTo(other.ProcessId);

    public int CompareTo(object? obj) => obj is UpstartSession session ? CompareTo(session) : 1;
}
