namespace UpstartPS.Protocol.Wire;

/// <summary>
/// The framing every message uses: a 4-byte big-endian payload length, then that many bytes of UTF-8 JSON.
/// Requests are bounded tightly (the daemon treats every client as hostile); responses may be larger
/// (a list of thousands of jobs) but are bounded too, so a broken peer cannot make the client allocate without end.
/// </summary>
public static class FrameFormat
{
    /// <summary>The protocol version spoken by this library; the handshake refuses any other.</summary>
    public const int ProtocolVersion = 1;

    public const int HeaderBytes = 4;

    /// <summary>Largest request (client → daemon) payload: 1 MiB.</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>Largest response (daemon → client) payload: 16 MiB.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;
}
