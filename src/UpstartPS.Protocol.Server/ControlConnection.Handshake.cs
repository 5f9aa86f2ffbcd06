using System.Text.Json;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Server;

/// <summary>The connection's first exchange: the client's hello, the protocol version, who may connect.</summary>
internal sealed partial class ControlConnection
{
    private async Task<bool> HandshakeAsync(ClientIdentity client)
    {
        ClientHello? hello;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token))
        {
            timeout.CancelAfter(_options.HandshakeTimeout);
            try
            {
                var read = await _reader.ReadAsync(timeout.Token).ConfigureAwait(false);

                // The hello may arrive on the socket thread; checking it may read the user database.
                await SocketThread.LeaveAsync();
                if (!read)
                {
                    return false;
                }
            }
            catch (OperationCanceledException) when (!_closing.IsCancellationRequested)
            {
                await SocketThread.LeaveAsync();
                Log($"Connection from {client} sent no handshake within {_options.HandshakeTimeout.TotalSeconds:0.#} s", null);
                return false;
            }

            try
            {
                hello = JsonSerializer.Deserialize(_reader.Current.Span, Json.ClientHello);
            }
            catch (JsonException)
            {
                hello = null;
            }
        }

        if (hello is null || hello.Type != ResponseTypes.Hello)
        {
            return await RefuseAsync(UpstartErrorCode.BadRequest, "Expected a hello frame first").ConfigureAwait(false);
        }

        if (hello.Protocol != FrameFormat.ProtocolVersion)
        {
            return await RefuseAsync(
                UpstartErrorCode.ProtocolMismatch,
                $"Protocol mismatch: the daemon speaks version {FrameFormat.ProtocolVersion}, the client speaks version {hello.Protocol}").ConfigureAwait(false);
        }

        client.ClientName = hello.Client is { Length: <= 256 } name ? name : null;
        if (_authorization.RefuseConnection(client) is { } refusal)
        {
            return await RefuseAsync(UpstartErrorCode.AccessDenied, refusal).ConfigureAwait(false);
        }

        var answer = new ServerHello
        {
            Type = ResponseTypes.Hello,
            Protocol = FrameFormat.ProtocolVersion,
            Daemon = _options.DaemonVersion,
            Mode = _options.Mode,
        };
        await _sender.SendAsync(answer, Json.ServerHello, _closing.Token).ConfigureAwait(false);
        return true;
    }

    /// <summary>An error in the hello's place: a refused handshake, or a connection over a limit (ControlServer).</summary>
    internal static ServerHello Refusal(ControlServerOptions options, UpstartErrorCode code, string message) => new()
    {
        Type = ResponseTypes.Error,
        Protocol = FrameFormat.ProtocolVersion,
        Daemon = options.DaemonVersion,
        Mode = options.Mode,
        Error = new ErrorBody { Code = code, Message = message },
    };

    private async Task<bool> RefuseAsync(UpstartErrorCode code, string message)
    {
        await _sender.SendAsync(Refusal(_options, code, message), Json.ServerHello, _closing.Token).ConfigureAwait(false);
        Log($"Refused connection from {_client}: {message}", null);
        return false;
    }
}
