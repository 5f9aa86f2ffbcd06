using System.Text.Json.Serialization;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol.Wire;

/// <summary>
/// One response frame. <see cref="Type"/> is "result" (the one answer to a request), "item" (one element
/// of a stream), "end" (the stream is over) or "error" (the request failed; it ends a stream too).
/// Only the payload field that the operation returns is present.
/// </summary>
internal sealed class ResponseFrame
{
    public long Id { get; set; }

    public string Type { get; set; } = ResponseTypes.Result;

    public IReadOnlyList<JobInfo>? Jobs { get; set; }

    public JobInfo? Job { get; set; }

    public string? Text { get; set; }

    /// <summary>list-env: the table's VAR=VALUE entries, in the table's order.</summary>
    public IReadOnlyList<string>? Env { get; set; }

    public ConfigurationChange? Change { get; set; }

    public IReadOnlyList<CheckConfigItem>? Problems { get; set; }

    public JobConfigInfo? Config { get; set; }

    public IReadOnlyList<DiagnosticInfo>? Diagnostics { get; set; }

    public LogLineInfo? Line { get; set; }

    public EventInfo? Event { get; set; }

    public ErrorBody? Error { get; set; }

    /// <summary>
    /// On an `end` frame of a stream: the daemon is re-executing. Connect again and send the same request with
    /// this as its `resume` to carry on from where it ended, nothing lost or repeated.
    /// </summary>
    public string? Resume { get; set; }

    public static ResponseFrame Failure(long id, UpstartErrorCode code, string message, CheckFailureInfo? check = null) =>
        new() { Id = id, Type = ResponseTypes.Error, Error = new ErrorBody { Code = code, Message = message, Check = check } };
}

/// <summary>The error payload: a stable code and initctl's message text.</summary>
internal sealed class ErrorBody
{
    [JsonConverter(typeof(TolerantErrorCodeConverter))]
    public UpstartErrorCode Code { get; set; }

    public string Message { get; set; } = "";

    /// <summary>With <see cref="UpstartErrorCode.CheckFailed"/>: the check's status and last output lines.</summary>
    public CheckFailureInfo? Check { get; set; }
}

internal static class ResponseTypes
{
    public const string Hello = "hello";
    public const string Result = "result";
    public const string Item = "item";
    public const string End = "end";
    public const string Error = "error";
}
