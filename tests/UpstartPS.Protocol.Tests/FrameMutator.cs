using System.Buffers.Binary;
using System.Text;

namespace UpstartPS.Protocol.Tests;

/// <summary>
/// Makes what a hostile client sends: valid requests with hostile fields, reused ids and cancels, requests
/// damaged at the byte level, deep JSON, lying headers and plain noise. Seeded, so a failure can be replayed.
/// </summary>
internal sealed class FrameMutator(int seed)
{
    private static readonly string[] Ops =
    [
        "version", "list", "status", "start", "stop", "restart", "reload", "emit", "reload-configuration", "check-config",
        "show-config", "diagnostics", "set-enabled", "log-priority", "log", "watch", "cancel", "no-such-op", "",
    ];

    private static readonly string[] Names = ["web", "ssh", "missing", "a/b", "../../etc/passwd", "*", "w?b", "", " ", "\u00e9t\u00e9", "x\u0000y", "-rf", "$HOME"];

    private readonly Random _random = new(seed);

    public Random Random => _random;

    /// <summary>One frame as it goes on the wire, header included.</summary>
    public byte[] NextFrame() => _random.Next(20) switch
    {
        < 12 => Frame(Encoding.UTF8.GetBytes(Request())),
        < 16 => Frame(Damage(Encoding.UTF8.GetBytes(Request()))),
        16 => Frame(Encoding.UTF8.GetBytes(new string('[', _random.Next(1, 100_000)))),
        17 => Frame(Noise(_random.Next(0, 4096))),
        18 => Frame(Encoding.UTF8.GetBytes($$"""{"id":{{Id()}},"op":"emit","event":"e","env":["{{new string('V', _random.Next(1, 200_000))}}=1"]}""")),
        _ => LyingHeader(),
    };

    public string Request()
    {
        var op = Ops[_random.Next(Ops.Length)];
        var fields = new List<string> { $"\"id\":{Id()}", $"\"op\":\"{op}\"" };
        if (_random.Next(2) == 0)
        {
            fields.Add($"\"job\":{Json(Names[_random.Next(Names.Length)])}");
        }

        if (_random.Next(4) == 0)
        {
            fields.Add($"\"instance\":{Json(Names[_random.Next(Names.Length)])}");
        }

        if (_random.Next(3) == 0)
        {
            fields.Add($"\"event\":{Json(Names[_random.Next(Names.Length)])}");
        }

        if (_random.Next(3) == 0)
        {
            fields.Add("\"env\":[" + string.Join(',', Enumerable.Range(0, _random.Next(0, 50)).Select(i => Json($"K{i}=" + new string('v', _random.Next(0, 300))))) + "]");
        }

        if (_random.Next(3) == 0)
        {
            fields.Add($"\"tail\":{_random.Next(-5, 200_000)}");
        }

        if (_random.Next(4) == 0)
        {
            fields.Add($"\"follow\":{(_random.Next(2) == 0 ? "true" : "false")}");
        }

        if (_random.Next(4) == 0)
        {
            fields.Add($"\"history\":{(_random.Next(2) == 0 ? "true" : "1")}");
        }

        if (_random.Next(4) == 0)
        {
            fields.Add($"\"wait\":{(_random.Next(2) == 0 ? "true" : "false")}");
        }

        if (_random.Next(6) == 0)
        {
            fields.Add($"\"enabled\":{(_random.Next(2) == 0 ? "true" : "null")}");
        }

        if (_random.Next(8) == 0)
        {
            fields.Add($"\"priority\":{Json(Names[_random.Next(Names.Length)])}");
        }

        return "{" + string.Join(',', fields.OrderBy(_ => _random.Next())) + "}";
    }

    /// <summary>Small ids, so requests reuse the ids of watches and follows still in flight.</summary>
    private long Id() => _random.Next(10) == 0 ? _random.NextInt64(-3, long.MaxValue) : _random.Next(0, 40);

    private byte[] Damage(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return bytes;
        }

        var copy = bytes.ToList();
        for (var i = _random.Next(1, 5); i > 0 && copy.Count > 0; i--)
        {
            var at = _random.Next(copy.Count);
            switch (_random.Next(3))
            {
                case 0:
                    copy[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    copy.RemoveRange(at, _random.Next(Math.Min(8, copy.Count - at) + 1));
                    break;
                default:
                    copy.InsertRange(at, Noise(_random.Next(1, 8)));
                    break;
            }
        }

        return [.. copy];
    }

    /// <summary>A header promising more (up to past the limit) than the few bytes that follow.</summary>
    private byte[] LyingHeader()
    {
        var promised = _random.Next(3) == 0 ? _random.Next() : _random.Next(8, 2 * 1024 * 1024);
        var body = Noise(_random.Next(0, 64));
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, promised);
        body.CopyTo(frame, 4);
        return frame;
    }

    private byte[] Noise(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Frame(byte[] payload) => RawConnection.Frame(payload);

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
