namespace UpstartPS.Protocol.Client;

/// <summary>How <see cref="UpstartClient.ConnectAsync(UpstartClientOptions, CancellationToken)"/> reaches the daemon.</summary>
public sealed class UpstartClientOptions
{
    /// <summary>The socket to connect to; null resolves it with <see cref="UpstartClient.ResolveSocketPath"/>.</summary>
    public string? SocketPath { get; init; }

    /// <summary>With <see cref="SocketPath"/> null: true for the system daemon, false for the session daemon, null to choose.</summary>
    public bool? System { get; init; }

    /// <summary>Sent in the handshake so the daemon's log can say who connected.</summary>
    /// <remarks>The default is worked out only when asked for: reading the assembly's version is not free in a one-shot process.</remarks>
    public string ClientName
    {
        get => field ??= "UpstartPS.Protocol " + typeof(UpstartClient).Assembly.GetName().Version?.ToString(3);
        init => field = value;
    }

    /// <summary>Bounds connecting plus the handshake; a daemon that accepts but never answers is reported, not waited on forever.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
