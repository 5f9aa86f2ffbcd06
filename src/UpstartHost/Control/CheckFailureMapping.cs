using UpstartHost.Engine;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.Control;

/// <summary>The engine's <see cref="CheckFailure"/> in the protocol's words (signal names, not numbers).</summary>
internal static class CheckFailureMapping
{
    public static CheckFailureInfo ToInfo(CheckFailure failure) => new()
    {
        Job = failure.Job,
        Instance = failure.Instance,
        Result = failure.Result,
        ExitStatus = failure.Status is { } status && !failure.Signaled ? status : null,
        ExitSignal = failure.Status is { } signal && failure.Signaled ? SignalNames.ToShortName(signal >> 8) : null,
        Output = failure.Lines,
    };
}
