using System.Text.Json;
using System.Text.Json.Serialization;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// Reads an error code by name and takes a name this client does not know as
/// <see cref="UpstartErrorCode.Unknown"/>, keeping the daemon's message. New codes are added within a
/// protocol version (docs/protocol.md, Compatibility); without this a client older than a code could not
/// read the error at all and would report a broken connection instead of the daemon's words.
/// </summary>
internal sealed class TolerantErrorCodeConverter : JsonConverter<UpstartErrorCode>
{
    public override UpstartErrorCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("an error code is a string");
        }

        return FromName(reader.GetString());
    }

    /// <summary>The code a name stands for; <see cref="UpstartErrorCode.Unknown"/> for any name this client does not know.</summary>
    public static UpstartErrorCode FromName(string? name) =>
        // Names only: a number is not a code, even though Enum.TryParse would accept one.
        name is { Length: > 0 } && char.IsAsciiLetter(name[0]) && Enum.TryParse<UpstartErrorCode>(name, ignoreCase: false, out var code)
            ? code
            : UpstartErrorCode.Unknown;

    public override void Write(Utf8JsonWriter writer, UpstartErrorCode value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }
}
