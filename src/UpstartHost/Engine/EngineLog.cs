using Microsoft.Extensions.Logging;

namespace UpstartHost.Engine;

/// <summary>
/// The daemon's own messages, worded as Upstart's (UPSTART.md §c.2, §f) so that logs read the same.
/// Warnings are what Upstart logs at its default priority; information is its `--verbose` output.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Job} {Process} process ({Pid}) terminated with status {Status}")]
    public static partial void Terminated(ILogger logger, string job, string process, int pid, int status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Job} {Process} process ({Pid}) killed by {Signal} signal")]
    public static partial void KilledBy(ILogger logger, string job, string process, int pid, string signal);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Job} {Process} process ({Pid}) killed by signal {Signal}")]
    public static partial void KilledBySignalNumber(ILogger logger, string job, string process, int pid, int signal);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{Job} {Process} process ({Pid}) exited normally")]
    public static partial void ExitedNormally(ILogger logger, string job, string process, int pid);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Job} {Process} process ended, respawning")]
    public static partial void Respawning(ILogger logger, string job, string process);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Job} respawning too fast, stopped")]
    public static partial void RespawningTooFast(ILogger logger, string job);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Failed to spawn {Job} {Process} process: {Reason}")]
    public static partial void SpawnFailed(ILogger logger, string job, string process, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Failed to obtain {Job} instance: {Reason}")]
    public static partial void InstanceExpansionFailed(ILogger logger, string job, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Sending KILL signal to {Job} {Process} process ({Pid}) after {Timeout}s")]
    public static partial void KillTimeout(ILogger logger, string job, string process, int pid, long timeout);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "{Job} goal changed from {From} to {To}")]
    public static partial void GoalChanged(ILogger logger, string job, JobGoal from, JobGoal to);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "{Job} state changed from {From} to {To}")]
    public static partial void StateChanged(ILogger logger, string job, JobState from, JobState to);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Engine message failed")]
    public static partial void MessageFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Handling {Event} event")]
    public static partial void HandlingEvent(ILogger logger, string @event);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Notification handler failed")]
    public static partial void NotificationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "{Job} respawn delayed by {Seconds}s")]
    public static partial void RespawnDelayed(ILogger logger, string job, string seconds);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "{Job}: not resumed, no such job is defined now; its {Count} recorded processes are left running unsupervised")]
    public static partial void NotResumedNoJob(ILogger logger, string job, int count);

    [LoggerMessage(EventId = 17, Level = LogLevel.Error, Message = "{Job}: could not be resumed")]
    public static partial void ResumeFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(EventId = 18, Level = LogLevel.Information, Message = "{Job} {Process} process ({Pid}) ended (adopted, status unknown)")]
    public static partial void AdoptedProcessEnded(ILogger logger, string job, string process, int pid);

    [LoggerMessage(EventId = 19, Level = LogLevel.Warning, Message = "{Job} {Process} process ended while no daemon was watching it")]
    public static partial void EndedWhileUnwatched(ILogger logger, string job, string process);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "{Job} respawn wait resumed, {Seconds}s left")]
    public static partial void RespawnWaitResumed(ILogger logger, string job, string seconds);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "{Job} ({Instance}) logs to {Path}: {Taken} is another job's log (docs/daemon.md, \"Log files\")")]
    public static partial void LogNameDisambiguated(ILogger logger, string job, string instance, string path, string taken);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "{Job} ({Instance}) has no log: {Taken} and its other name are other jobs' logs; its console output is dropped")]
    public static partial void LogNameTaken(ILogger logger, string job, string instance, string taken);

    [LoggerMessage(EventId = 23, Level = LogLevel.Warning, Message = "{Job} is still in spawned after {Seconds}s: {WaitsFor}; a program that stays in the foreground never does, and the job waits there for ever (docs/migrating.md)")]
    public static partial void NotReady(ILogger logger, string job, long seconds, string waitsFor);

    // job_process_kill's and reload's warning; Upstart then stays in `killed` for ever, this daemon still sends
    // KILL after `kill timeout`.
    [LoggerMessage(EventId = 24, Level = LogLevel.Warning, Message = "Failed to send {Signal} signal to {Job} {Process} process ({Pid}): {Reason}")]
    public static partial void SignalFailed(ILogger logger, string signal, string job, string process, int pid, string reason);
}
