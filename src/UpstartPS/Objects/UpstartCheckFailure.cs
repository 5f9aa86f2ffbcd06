using UpstartPS.Protocol.Messages;

namespace UpstartPS;

/// <summary>
/// Why the daemon refused a restart or reload: the job's pre-restart check failed, and the running process
/// was left as it was. The TargetObject of the JobCheckFailed error record, so
/// <c>$Error[0].TargetObject.Output</c> shows what the check said. Flat, get-only properties, so it survives
/// remoting as it reads.
/// </summary>
public sealed class UpstartCheckFailure
{
    internal UpstartCheckFailure(CheckFailureInfo info)
    {
        Name = info.Job;
        Instance = info.Instance;
        Result = info.Result;
        ExitStatus = info.ExitStatus;
        ExitSignal = info.ExitSignal;
        Output = [.. info.Output];
    }

    /// <summary>The job.</summary>
    public string Name { get; }

    /// <summary>The instance; empty for a single-instance job.</summary>
    public string Instance { get; }

    /// <summary>"failed" (non-zero exit or a signal), "timeout" (killed after the daemon's bound) or "unrunnable".</summary>
    public string Result { get; }

    /// <summary>The check's exit code, when it exited.</summary>
    public int? ExitStatus { get; }

    /// <summary>The signal that ended the check (KILL after a timeout), when one did.</summary>
    public string? ExitSignal { get; }

    /// <summary>The check's last output lines, oldest first (at most 20 lines, 4096 bytes).</summary>
    public string[] Output { get; }

    public override string ToString() => Instance.Length == 0 ? Name : $"{Name} ({Instance})";
}
