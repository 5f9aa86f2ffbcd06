using UpstartPS.Protocol.Client;

namespace UpstartPS.Connection;

/// <summary>
/// Which daemon a command talks to: -SocketPath, else $UPSTARTPS_SOCKET, else the client library's
/// rule, which upstartctl shares (ControlSocketPaths.Resolve: $UPSTART_SESSION's daemon, else as root the
/// system daemon, else the user's session daemon when its socket exists, else the system one).
/// </summary>
public static class SocketLocation
{
    public const string EnvironmentVariable = "UPSTARTPS_SOCKET";

    public static string Resolve(string? explicitPath, Func<string, string?>? lookup = null, Func<string>? discover = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return explicitPath;
        }

        lookup ??= System.Environment.GetEnvironmentVariable;
        var fromEnvironment = lookup(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        return (discover ?? (() => UpstartClient.ResolveSocketPath()))();
    }
}
