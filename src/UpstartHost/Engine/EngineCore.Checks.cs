using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Test then restart (beyond Upstart; docs/job-files.md "pre-restart"): a job's `pre-restart` process runs
/// before an administrator's restart or reload while the main process is alive. Exit 0: the request goes
/// ahead. Anything else: the running process is left alone, the request fails with the check's status and
/// last output lines, and `restart-refused` is emitted. The check runs as every other process of the job
/// (same user, limits, environment, console log) and is killed when it outlives
/// <see cref="EngineOptions.PreRestartTimeout"/>.
/// </summary>
internal sealed partial class EngineCore
{
    /// <summary>
    /// After the check is reaped, how long its output may still be in flight: a check that left a
    /// background process holding its pty must not hold the request.
    /// </summary>
    private static readonly TimeSpan CheckOutputGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// True when the request must go through a check: one is defined and there is a running process to
    /// keep. With no main process alive (starting, respawning, a job without one) there is nothing to
    /// protect, so the request goes ahead unchecked, as it would without the stanza. A check already
    /// running counts whatever the main process does meanwhile: the second request is refused, never
    /// run beside it.
    /// </summary>
    private static bool NeedsCheck(JobInstance instance) =>
        instance.Check is not null || (instance.Config.GetProcess(ProcessKind.PreRestart) is not null && instance.MainAlive);

    private Task<JobSnapshot> RunCheck(JobInstance instance, CheckedRequest request, bool wait)
    {
        if (instance.Check is not null)
        {
            return Refuse(EngineError.CheckInProgress, "A pre-restart check is already running: " + instance.DisplayName);
        }

        var check = new RestartCheck(request, wait, NewRequest());
        instance.Check = check;
        if (!Run(instance, ProcessKind.PreRestart, check.Output))
        {
            Refused(instance, check, new CheckFailure(instance.Config.Name, instance.Name, CheckFailure.Unrunnable, null, false, []));
            return check.Reply.Task;
        }

        check.Timer = _clock.StartTimer(_options.PreRestartTimeout, () => _post(() => OnCheckTimeout(instance, check)));
        return check.Reply.Task;
    }

    /// <summary>The check was reaped: conclude once its output has ended too (or the grace has passed).</summary>
    private void CheckExited(JobInstance instance, int status)
    {
        if (instance.Check is not { } check)
        {
            return;
        }

        check.Timer?.Dispose();
        check.Status = status;
        check.Timer = _clock.StartTimer(CheckOutputGrace, () => _post(() => ConcludeCheck(instance, check)));
        check.Output.WhenEnded(() => _post(() => ConcludeCheck(instance, check)));
    }

    /// <summary>The helper could not run the check (missing binary, unknown user): refused, nothing restarted.</summary>
    private void CheckCouldNotRun(JobInstance instance)
    {
        if (instance.Check is { } check)
        {
            check.Timer?.Dispose();
            Refused(instance, check, new CheckFailure(instance.Config.Name, instance.Name, CheckFailure.Unrunnable, null, false, []));
        }
    }

    private void OnCheckTimeout(JobInstance instance, RestartCheck check)
    {
        if (instance.Check != check || check.Status is not null || !instance.IsAlive(ProcessKind.PreRestart))
        {
            return;
        }

        // A check has nothing to clean up: its whole group is killed at once, and its exit concludes it.
        check.TimedOut = true;
        var pid = instance.Pid(ProcessKind.PreRestart);
        CheckLog.TimedOut(_logger, instance.DisplayName, pid, (long)_options.PreRestartTimeout.TotalSeconds);
        _processes.SignalGroup(pid, SignalNames.Kill);
    }

    private void ConcludeCheck(JobInstance instance, RestartCheck check)
    {
        if (instance.Check != check || check.Status is not { } status)
        {
            return;
        }

        check.Timer?.Dispose();
        var signaled = (status & ~0xff) != 0;
        if (status != 0 || check.TimedOut)
        {
            var result = check.TimedOut ? CheckFailure.Timeout : CheckFailure.Failed;
            Refused(instance, check, new CheckFailure(instance.Config.Name, instance.Name, result, status, signaled, check.Output.Lines()));
            return;
        }

        instance.Check = null;
        if (check.Request == CheckedRequest.Reload)
        {
            var reloaded = Reload(instance);
            if (reloaded.IsCompletedSuccessfully)
            {
                check.Reply.TrySetResult(reloaded.Result);
            }
            else
            {
                check.Reply.TrySetException(reloaded.Exception!.InnerExceptions);
            }

            return;
        }

        // The job may have been stopped while the check ran; then the restart is refused as it would have been.
        if (instance.Destroyed || instance.Goal == JobGoal.Stop)
        {
            check.Reply.TrySetException(new EngineException(EngineError.AlreadyStopped, "Job has already been stopped: " + instance.DisplayName));
            return;
        }

        BeginRestart(instance, check.Reply, check.Wait);
    }

    private void Refused(JobInstance instance, RestartCheck check, CheckFailure failure)
    {
        instance.Check = null;
        var verb = check.Request == CheckedRequest.Reload ? "reloaded" : "restarted";
        var why = failure.Result switch
        {
            CheckFailure.Timeout => $"timed out after {(long)_options.PreRestartTimeout.TotalSeconds}s",
            CheckFailure.Unrunnable => "could not be run",
            _ when failure.Signaled => $"killed by {SignalNames.ToShortName(failure.Status!.Value >> 8)} signal",
            _ => $"terminated with status {failure.Status}",
        };
        CheckLog.Refused(_logger, instance.DisplayName, verb, why);
        Emit(JobEvents.RestartRefused, JobEvents.RestartRefusedEnvironment(check.Request, failure));
        check.Reply.TrySetException(new EngineException(
            EngineError.CheckFailed,
            $"Job not {verb}: {instance.DisplayName} pre-restart check {why}",
            failure));
    }

    /// <summary>The instance is going away with its check still running: the check goes too, and so does the request.</summary>
    private void AbandonCheck(JobInstance instance)
    {
        if (instance.Check is not { } check)
        {
            return;
        }

        instance.Check = null;
        check.Timer?.Dispose();
        if (instance.IsAlive(ProcessKind.PreRestart))
        {
            _processes.SignalGroup(instance.Pid(ProcessKind.PreRestart), SignalNames.Kill);
        }

        check.Reply.TrySetException(new EngineException(EngineError.JobNotRunning, "Job is not running: " + instance.DisplayName));
    }
}
