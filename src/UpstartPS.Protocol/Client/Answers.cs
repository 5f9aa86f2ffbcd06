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

    /// <summary>notify-disk-writeable's answer: the bytes of job output the daemon still keeps, as decimal text.</summary>
    public static long KeptBytes(string? text) =>
        long.TryParse(Require(text), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : throw new UpstartException(UpstartErrorCode.BadRequest, "The daemon's answer to notify-disk-writeable is not a byte count");

    /// <summary>
    /// A request that could not be sent: the daemon never read it, so it was not carried out and may be sent again
    /// (a daemon stops reading when it re-executes: docs/protocol.md, "Requests and streams across a re-exec").
    /// </summary>
    /// <param name="connectionFailure">Why the connection had already failed, when it had: said instead.</param>
    public static UpstartException NotSent(string socketPath, Exception ex, Exception? connectionFailure) =>
        new(
            UpstartErrorCode.NotConnected,
            "The request was not sent, so not carried out: " + (connectionFailure?.Message
                ?? $"the daemon at {socketPath} no longer reads this connection (re-executing or stopping?): {ex.Message}"),
            ex);

    /// <summary>The connection broke under a request.</summary>
    public static UpstartException Lost(string socketPath, Exception ex) =>
        new(UpstartErrorCode.NotConnected, $"Lost the connection to the daemon at {socketPath}: {ex.Message}", ex);
}
