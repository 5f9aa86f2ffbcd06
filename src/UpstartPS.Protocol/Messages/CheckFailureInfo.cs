namespace UpstartPS.Protocol.Messages;

/// <summary>
/// Why a restart or reload was refused by the job's pre-restart check (error code <c>CheckFailed</c>).
/// <see cref="Result"/> is "failed" (it exited non-zero or was killed), "timeout" (killed for running too
/// long) or "unrunnable" (it could not be started); <see cref="ExitStatus"/> or <see cref="ExitSignal"/>
/// say how it ended when it ran; <see cref="Output"/> holds its last output lines, oldest first (at most
/// 20 lines and 4096 bytes; docs/protocol.md "Check failures").
/// </summary>
public sealed record CheckFailureInfo
{
    public required string Job { get; init; }
    public string Instance { get; init; } = "";
    public required string Result { get; init; }
    public int? ExitStatus { get; init; }
    public string? ExitSignal { get; init; }
    public IReadOnlyList<string> Output { get; init; } = [];
}
