using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// How both clients (<see cref="UpstartClient"/>, <see cref="BlockingUpstartClient"/>) read an answer: an error
/// frame becomes the <see cref="UpstartException"/> it names (a failed pre-restart check keeps its lines), and a
/// result without the field the operation returns is a malformed answer, never a null handed to the caller.
/// </summary>
internal static class Answers
{
    public static void ThrowIfError(ResponseFrame response)
    {
        if (response.Type == ResponseTypes.Error)
        {
            var error = response.Error;
            if (error is { Code: UpstartErrorCode.CheckFailed, Check: { } check })
            {
                throw new UpstartException(error.Message, check);
            }

            throw new UpstartException(error?.Code ?? UpstartErrorCode.Unknown, error?.Message ?? "Unknown error");
        }
    }

    public static T Require<T>(T? value)
        where T : class =>
        value ?? throw new UpstartException(UpstartErrorCode.BadRequest, "The daemon's answer lacks the expected result");

    /// <summary>The connection broke under a request.</summary>
    public static UpstartException Lost(string socketPath, Exception ex) =>
        new(UpstartErrorCode.NotConnected, $"Lost the connection to the daemon at {socketPath}: {ex.Message}", ex);
}
