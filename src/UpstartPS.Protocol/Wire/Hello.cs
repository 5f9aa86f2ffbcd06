namespace UpstartPS.Protocol.Wire;

/// <summary>The first frame a client sends: <c>{"type":"hello","protocol":1,"client":"upstartctl 0.1.0"}</c>.</summary>
internal sealed class ClientHello
{
    public string? Type { get; set; }

    public int Protocol { get; set; }

    public string? Client { get; set; }
}

/// <summary>
/// The daemon's answer to <see cref="ClientHello"/>: <c>{"type":"hello","protocol":1,"daemon":"0.1.0","mode":"system"}</c>,
/// or <c>{"type":"error","protocol":1,"error":{…}}</c> (ProtocolMismatch, AccessDenied, BadRequest) after which it closes.
/// </summary>
internal sealed class ServerHello
{
    public string? Type { get; set; }

    public int Protocol { get; set; }

    public string? Daemon { get; set; }

    public DaemonMode Mode { get; set; }

    public ErrorBody? Error { get; set; }
}
