using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace UpstartPS.Protocol.Tests;

/// <summary>A bare socket to the server for tests that must speak (or break) the protocol by hand.</summary>
internal sealed class RawConnection : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    private RawConnection()
    {
    }

    public static async Task<RawConnection> ConnectAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new RawConnection();
        await connection._socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        return connection;
    }

    public const string Hello = """{"type":"hello","protocol":1,"client":"raw test"}""";

    public static async Task<RawConnection> HandshakenAsync(string path, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(path, cancellationToken);
        await connection.SendFrameAsync(Hello, cancellationToken);
        var answer = await connection.ReadFrameAsync(cancellationToken);
        Assert.Equal("hello", answer?.GetProperty("type").GetString());
        return connection;
    }

    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    public Task SendFrameAsync(string json, CancellationToken cancellationToken) => SendFrameAsync(Encoding.UTF8.GetBytes(json), cancellationToken);

    public Task SendFrameAsync(byte[] payload, CancellationToken cancellationToken) =>
        SendBytesAsync(Frame(payload), cancellationToken);

    public static byte[] Frame(byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>The next frame as JSON, or null when the server closed the connection.</summary>
    public async Task<JsonElement?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var header = new byte[4];
        if (!await ReadExactlyAsync(header, cancellationToken))
        {
            return null;
        }

        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        if (!await ReadExactlyAsync(payload, cancellationToken))
        {
            return null;
        }

        return JsonDocument.Parse(payload).RootElement.Clone();
    }

    /// <summary>The next frame if the whole of it has already arrived, else null; never waits.</summary>
    public JsonElement? ReadArrivedFrame()
    {
        var header = new byte[4];
        if (_socket.Available < header.Length || _socket.Receive(header, SocketFlags.Peek) < header.Length)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (_socket.Available < header.Length + length)
        {
            return null;
        }

        var frame = new byte[header.Length + length];
        var read = 0;
        while (read < frame.Length)
        {
            read += _socket.Receive(frame.AsSpan(read), SocketFlags.None);
        }

        return JsonDocument.Parse(frame.AsMemory(header.Length)).RootElement.Clone();
    }

    /// <summary>Whether the server has closed the connection, judged from what has arrived by now; never waits.</summary>
    public bool ClosedByServer => _socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0;

    /// <summary>Reads frames until the server closes the connection; returns how many arrived.</summary>
    public async Task<int> DrainUntilClosedAsync(CancellationToken cancellationToken)
    {
        var frames = 0;
        while (await ReadFrameAsync(cancellationToken) is not null)
        {
            frames++;
        }

        return frames;
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            }
            catch (SocketException)
            {
                return false;
            }

            if (read == 0)
            {
                return false;
            }

            buffer = buffer[read..];
        }

        return true;
    }

    /// <summary>Half-closes: the server sees the end of the requests and may still answer.</summary>
    public void EndSending() => _socket.Shutdown(SocketShutdown.Send);

    public void Dispose() => _socket.Dispose();
}
