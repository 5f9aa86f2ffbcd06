using System.Text.Json.Serialization;

namespace UpstartPS.Protocol.Wire;

/// <summary>Source-generated serialisers for every frame: no reflection, so the library stays trim- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(ClientHello))]
[JsonSerializable(typeof(ServerHello))]
[JsonSerializable(typeof(RequestFrame))]
[JsonSerializable(typeof(ResponseFrame))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext
{
}
