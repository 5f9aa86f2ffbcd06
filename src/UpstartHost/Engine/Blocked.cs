namespace UpstartHost.Engine;

/// <summary>What a start/stop/restart request that waits is waiting for.</summary>
public enum RequestKind
{
    Start,
    Stop,
    Restart,
}

/// <summary>
/// Something an instance holds until it reaches its goal (Upstart's Blocked): a reference on an event that
/// started or stopped it, or a control request that waits. Released by job_finished: when a service
/// reaches running, when the instance reaches waiting, when it fails, or when its goal changes again.
/// </summary>
internal sealed class Blocked
{
    private Blocked(EngineEvent? @event, RequestKind kind, TaskCompletionSource<JobSnapshot>? request)
    {
        Event = @event;
        Kind = kind;
        Request = request;
    }

    public EngineEvent? Event { get; }

    public RequestKind Kind { get; }

    public TaskCompletionSource<JobSnapshot>? Request { get; }

    public static Blocked ForEvent(EngineEvent e) => new(e, RequestKind.Start, null);

    public static Blocked ForRequest(RequestKind kind, TaskCompletionSource<JobSnapshot> request) => new(null, kind, request);
}
