using Microsoft.Extensions.Logging;
using UpstartHost.Control;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Hosting;

/// <summary>
/// The control socket: the protocol's <see cref="ControlServer"/> with the daemon's paths and policy, serving
/// <see cref="DaemonControl"/>. Hosting wires it, so Control never imports Hosting.
/// "system" authorisation: anyone reads, root or the admin group change things (socket 0666);
/// "session": only the daemon's own user connects (socket 0600 in a 0700 directory).
/// </summary>
public sealed partial class ControlEndpoint : IControlEndpoint
{
    private readonly ControlServer server;

    /// <param name="quietCollector">
    /// Poked as each connection ends: answers a flood of clients made (queued for clients that did not read them,
    /// promoted to the old generation meanwhile) are garbage once they are gone, and would otherwise stay resident
    /// for as long as the daemon is idle (hundreds of MiB; docs/performance.md).
    /// </param>
    /// <param name="inherited">The socket the previous program listened on, when this one came by a re-exec: taken instead of creating one.</param>
    public ControlEndpoint(
        DaemonSettings settings,
        DaemonControl handler,
        ControlAuthorization authorization,
        ILogger<ControlEndpoint> logger,
        QuietCollector? quietCollector = null,
        ControlListenerFromReExec? inherited = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(authorization);
        server = new ControlServer(handler, new ControlServerOptions
        {
            SocketPath = settings.SocketPath,
            Mode = authorization.Mode,
            DaemonVersion = DaemonControl.VersionText,
            Authorization = authorization,
            IdleTimeout = settings.ControlIdleTimeout,
            InlineCompletions = settings.ControlInlineCompletions,
            Log = (message, exception) => LogClientProblem(logger, message, exception),
            LogRoutine = message => LogClientRoutine(logger, message),
            ConnectionClosed = quietCollector is null ? null : quietCollector.Poke,
            Handover = handler.Handover,
            Listener = inherited?.Socket,
        });
    }

    /// <summary>The policy for <paramref name="settings"/>: the one the server checks requests with and the handler checks logs with.</summary>
    public static ControlAuthorization AuthorizationFor(DaemonSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Authorization == AuthorizationMode.System
            ? ControlAuthorization.ForSystem(settings.AdminGroup, logAccess: settings.LogAccess)
            : ControlAuthorization.ForSession(DaemonDirectories.geteuid());
    }

    public int ConnectionCount => server.ConnectionCount;

    public System.Runtime.InteropServices.SafeHandle? Listener => server.ListenerHandle;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => server.DisposeAsync();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control socket: {Message}")]
    private static partial void LogClientProblem(ILogger logger, string message, Exception? exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Control socket: {Message}")]
    private static partial void LogClientRoutine(ILogger logger, string message);
}
