using Microsoft.Extensions.Logging;

namespace UpstartHost.Engine;

/// <summary>The pre-restart check's own messages (its exit is logged like every process's, by EngineLog).</summary>
internal static partial class CheckLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "{Job} not {Verb}: pre-restart check {Why}")]
    public static partial void Refused(ILogger logger, string job, string verb, string why);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Sending KILL signal to {Job} pre-restart process ({Pid}) after {Timeout}s")]
    public static partial void TimedOut(ILogger logger, string job, int pid, long timeout);
}
