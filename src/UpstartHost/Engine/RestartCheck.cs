using UpstartHost.Logging;

namespace UpstartHost.Engine;

/// <summary>The administrator's request a pre-restart check stands in front of.</summary>
public enum CheckedRequest
{
    Restart,
    Reload,
}

/// <summary>
/// A pre-restart check in flight for one instance (at most one at a time): the request it holds, the
/// output it collects, its time bound, and, once it has ended, its status. Engine thread only.
/// </summary>
internal sealed class RestartCheck(CheckedRequest request, bool wait, TaskCompletionSource<JobSnapshot> reply)
{
    public CheckedRequest Request { get; } = request;

    /// <summary>For a restart: whether the reply waits for the new process after the check passed.</summary>
    public bool Wait { get; } = wait;

    public TaskCompletionSource<JobSnapshot> Reply { get; } = reply;

    public OutputTail Output { get; } = new();

    /// <summary>The time bound while the check runs, then the wait for the rest of its output.</summary>
    public IDisposable? Timer { get; set; }

    /// <summary>The check's encoded status (exit code, or signo&lt;&lt;8), once reaped.</summary>
    public int? Status { get; set; }

    /// <summary>True when the time bound killed it.</summary>
    public bool TimedOut { get; set; }
}

/// <summary>
/// Why a restart or reload of JOB (INSTANCE) was refused: the check's status (Upstart's encoding: exit code, or
/// signo&lt;&lt;8 when <see cref="Signaled"/>; null when it could not run) and its last output lines.
/// </summary>
public sealed record CheckFailure(string Job, string Instance, string Result, int? Status, bool Signaled, IReadOnlyList<string> Lines)
{
    /// <summary>RESULT of the restart-refused event: the check failed, ran out of time, or could not be run.</summary>
    public const string Failed = "failed";
    public const string Timeout = "timeout";
    public const string Unrunnable = "unrunnable";
}
