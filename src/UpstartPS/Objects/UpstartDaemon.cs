using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;

namespace UpstartPS;

/// <summary>
/// The daemon a connection reached, as its handshake announced it (version, mode) and as the kernel saw
/// it (pid). Restart-UpstartDaemon -PassThru writes the daemon that answered after the re-exec: the same
/// pid (the program changed, not the process) and the version of the program now running.
/// </summary>
public sealed class UpstartDaemon
{
    private UpstartDaemon(string socketPath, string version, string mode, int? processId)
    {
        SocketPath = socketPath;
        Version = version;
        Mode = mode;
        ProcessId = processId;
    }

    public string SocketPath { get; }

    /// <summary>The daemon's version as its handshake announces it ("init (upstart 1.13.2) upstartps 0.1.0").</summary>
    public string Version { get; }

    /// <summary>"system" or "session", as the protocol spells it (a string, so filters work after remoting).</summary>
    public string Mode { get; }

    /// <summary>The daemon's pid as the kernel reported it for the connection (SO_PEERCRED); null where it cannot tell.</summary>
    public int? ProcessId { get; }

    public override string ToString() =>
        $"UpstartPS {Mode} daemon {Version}{(ProcessId is { } pid ? $" (pid {pid})" : "")} at {SocketPath}";

    internal static UpstartDaemon From(UpstartClient client) =>
        new(client.SocketPath, client.DaemonVersion, client.Mode == DaemonMode.System ? "system" : "session", client.DaemonProcessId);
}
