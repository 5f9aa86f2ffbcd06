namespace UpstartHost.Engine;

/// <summary>
/// One event not yet finished when the daemon re-executed (docs/daemon.md, "Events across a re-exec"): enough for the
/// next program to carry it on where it stood, so a job waiting in `starting` for another job's `start on starting …`
/// still waits for it, a `start on (a and b)` that has seen `a` still starts on `b`, and an emitter still hears how
/// the event ended. Immutable: made on the engine thread, written by the state file.
/// </summary>
/// <param name="Id">The event's number in the program that emitted it: links the record's holds; not shown anywhere.</param>
/// <param name="Handled">Its `start on`/`stop on` were already handled (Upstart's EVENT_HANDLING); false: still pending.</param>
/// <param name="Failed">A job it started or stopped failed: `NAME/failed` follows when it finishes, and its emitters hear it.</param>
/// <param name="Waiters">Emitters waiting for it to finish (`emit` without --no-wait): the next program answers as many `await`s.</param>
/// <param name="Holds">Who held it: each reference keeps it from finishing.</param>
public sealed record EventRecord(
    long Id,
    string Name,
    IReadOnlyList<string> Environment,
    bool Handled,
    bool Failed,
    int Waiters,
    IReadOnlyList<EventHoldRecord> Holds);

/// <summary>What held an event, or waits for it (Upstart's references on an Event, and its blocking job).</summary>
public enum EventHoldKind
{
    /// <summary>An operand of a class's `start on` the event satisfied, the rest of the expression not yet.</summary>
    StartOn,

    /// <summary>An operand of an instance's `stop on` the event satisfied, the rest of the expression not yet.</summary>
    StopOn,

    /// <summary>An instance the event started or stopped, until it gets there (Upstart's Blocked on the job).</summary>
    Job,

    /// <summary>The instance that emitted it as `starting` or `stopping` and waits in that state for it to finish.</summary>
    Blocks,
}

/// <param name="Instance">The instance's name; null for a class's `start on`.</param>
/// <param name="Condition">StartOn and StopOn: the expression as the engine prints it, so a changed job file's operands are not mistaken for the old ones.</param>
/// <param name="Operand">StartOn and StopOn: the operand's index in tree order, left to right.</param>
public sealed record EventHoldRecord(EventHoldKind Kind, string Job, string? Instance, string? Condition = null, int Operand = -1);

/// <summary>
/// Start, stop or restart requests waiting on one instance when the daemon re-executed (their clients send `await`
/// to the next program): the next program waits for that instance in their place, and keeps how it ended for the
/// awaits that come after it got there.
/// </summary>
public sealed record RequestWaitRecord(string Job, string Instance, RequestKind Kind, int Count);

/// <summary>
/// The engine's work under way besides the instances, for the next program: the events not yet finished (in every
/// write of the state file, so a crash keeps them too) and the requests still waiting on instances (a re-exec's only)
/// (docs/daemon.md, "Events across a re-exec").
/// </summary>
public sealed record WorkUnderWay(IReadOnlyList<EventRecord> Events, IReadOnlyList<RequestWaitRecord> Waits)
{
    public static WorkUnderWay None { get; } = new([], []);
}
