using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Client;

/// <summary>The client's half of the handshake (docs/protocol.md, Handshake), shared by both clients.</summary>
internal static class Handshake
{
    public static ClientHello Hello(string clientName) =>
        new() { Type = ResponseTypes.Hello, Protocol = FrameFormat.ProtocolVersion, Client = clientName };

    /// <summary>Throws the daemon's refusal (AccessDenied, ProtocolMismatch, BadRequest) or our own ProtocolMismatch.</summary>
    public static void Check(ServerHello answer, string path)
    {
        if (answer.Error is { } error)
        {
            throw new UpstartException(error.Code, error.Message);
        }

        if (answer.Protocol != FrameFormat.ProtocolVersion || answer.Type != ResponseTypes.Hello)
        {
            throw new UpstartException(
                UpstartErrorCode.ProtocolMismatch,
                $"Protocol mismatch: this client speaks version {FrameFormat.ProtocolVersion}, the daemon at {path} speaks version {answer.Protocol}");
        }
    }
}
