using System.Text.Json;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Tests;

/// <summary>Error codes added within a protocol version must not make an older client's decoder fail.</summary>
public sealed class ErrorCodeDecodingTests
{
    [Theory]
    [InlineData("\"CheckFailed\"", UpstartErrorCode.CheckFailed)]
    [InlineData("\"UnknownJob\"", UpstartErrorCode.UnknownJob)]
    [InlineData("\"SomeCodeFromANewerDaemon\"", UpstartErrorCode.Unknown)]
    [InlineData("\"unknownjob\"", UpstartErrorCode.Unknown)]
    [InlineData("\"7\"", UpstartErrorCode.Unknown)]
    [InlineData("\"\"", UpstartErrorCode.Unknown)]
    public void A_code_is_read_by_its_exact_name_and_anything_else_is_Unknown(string code, UpstartErrorCode expected)
    {
        var frame = Decode("""{"id":3,"type":"error","error":{"code":""" + code + ""","message":"the daemon's words"}}""");

        Assert.Equal((expected, "the daemon's words"), (frame.Error!.Code, frame.Error.Message));
    }

    [Fact]
    public void A_code_that_is_not_a_string_is_a_malformed_frame()
    {
        Assert.Throws<JsonException>(() => Decode("""{"id":3,"type":"error","error":{"code":5,"message":"x"}}"""));
    }

    [Fact]
    public void Codes_are_written_by_name()
    {
        var json = JsonSerializer.Serialize(ResponseFrame.Failure(1, UpstartErrorCode.CheckInProgress, "busy"), ProtocolJsonContext.Default.ResponseFrame);

        Assert.Contains("\"code\":\"CheckInProgress\"", json, StringComparison.Ordinal);
    }

    private static ResponseFrame Decode(string json) =>
        JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.ResponseFrame)!;
}
