namespace UpstartHost.Engine;

/// <summary>
/// What the control server, the hosting layer and tests ask of the engine. Every call is posted to the
/// engine thread as a message (DESIGN.md decision 3) and completes when the engine has answered; with
/// Wait, when the job or event has got where `initctl` would return (decision 6). Arguments arrive
/// validated: the control server checks names and KEY=VALUE entries at the protocol edge
/// (UpstartPS.Protocol.RequestArguments), the settings loader checks the boot and shutdown events.
/// </summary>
public interface IEngineControl
{
    /// <summary>Every job class with its instances (a class with none shows as stop/waiting).</summary>
    Task<IReadOnlyList<JobSnapshot>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What <see cref="ListAsync"/> gives for the classes whose name matches <paramref name="namePattern"/>
    /// (an exact name, or <c>*</c>, <c>?</c>, <c>[…]</c> wildcards), in the same order; with
    /// <paramref name="instance"/>, only that instance's. Empty when nothing matches. An exact name costs
    /// one lookup on the engine thread, not a snapshot of every class (status among thousands of jobs).
    /// </summary>
    Task<IReadOnlyList<JobSnapshot>> StatusAsync(string namePattern, string? instance, CancellationToken cancellationToken = default);

    /// <summary>
    /// What status and list would show now, when the engine can tell without a message to its thread: a
    /// status it published, with nothing posted to it since. Null when it cannot (busy, or no such
    /// publication): then ask <see cref="StatusAsync"/> or <see cref="ListAsync"/>. Any thread, never blocks.
    /// </summary>
    PublishedStatus? CurrentStatus => null;

    /// <summary>Start an instance. Throws <see cref="EngineException"/> (UnknownJob, AlreadyRunning, JobFailedToStart, UnknownParameter).</summary>
    Task<JobSnapshot> StartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default);

    /// <summary>Stop an instance (UnknownJob, UnknownInstance, AlreadyStopped, JobFailedWhileStopping).</summary>
    Task<JobSnapshot> StopAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default);

    /// <summary>Stop every running instance of a job (UnknownJob); none running is no error. The result: those instances, or the job's status.</summary>
    Task<IReadOnlyList<JobSnapshot>> StopInstancesAsync(string job, bool wait, CancellationToken cancellationToken = default);

    /// <summary>Stop then start an existing instance, keeping its environment.</summary>
    Task<JobSnapshot> RestartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default);

    /// <summary>Send the reload signal to the main process (JobNotRunning).</summary>
    Task<JobSnapshot> ReloadAsync(string job, IReadOnlyList<string> environment, CancellationToken cancellationToken = default);

    /// <summary>Emit an event; with wait, completes when it has finished (EventFailed when a job it touched failed).</summary>
    Task EmitAsync(string name, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default);

    /// <summary>Replace the loaded job classes (reload-configuration, inotify). A changed class takes effect when its instances have stopped.</summary>
    Task ApplyCatalogAsync(Upstart.JobFiles.Loading.JobCatalog catalog, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="ApplyCatalogAsync(Upstart.JobFiles.Loading.JobCatalog, CancellationToken)"/>, with the jobs an
    /// administrator disabled: no event starts them, even while an instance still runs under the definition it
    /// started with (docs/beyond-upstart.md). Other implementations may ignore the set (the default).
    /// </summary>
    Task ApplyCatalogAsync(Upstart.JobFiles.Loading.JobCatalog catalog, IReadOnlySet<string> disabled, CancellationToken cancellationToken = default) =>
        ApplyCatalogAsync(catalog, cancellationToken);

    /// <summary>Stop every instance honouring pre-stop and kill timeout; completes when all are gone.</summary>
    Task StopAllAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// await: answers as a waiting start/stop/restart (<paramref name="kind"/>) of <paramref name="job"/> would have,
    /// one the previous program did before it re-executed (EngineCore.Await.cs). Defaults to NotSupportedException.
    /// </summary>
    Task<JobSnapshot> AwaitAsync(RequestKind kind, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken = default) =>
        Task.FromException<JobSnapshot>(new NotSupportedException("no await"));

    /// <summary>
    /// await after an emit: completes when the event the previous program handed over unfinished has finished
    /// (EventFailed as the emit would have); at once for one not handed over (EngineCore.EventState.cs).
    /// Defaults to NotSupportedException.
    /// </summary>
    Task AwaitEventAsync(string name, IReadOnlyList<string> environment, CancellationToken cancellationToken = default) =>
        Task.FromException(new NotSupportedException("no await"));

    /// <summary>
    /// list-env: the global job environment table (<paramref name="job"/> null) or a live instance's environment
    /// (UnknownJob, UnknownInstance; <paramref name="instance"/> null is ""). The environment calls default to
    /// NotSupportedException for engines without tables (test doubles).
    /// </summary>
    Task<IReadOnlyList<string>> ReadEnvironmentAsync(string? job, string? instance, CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<string>>(new NotSupportedException("no job environment tables"));

    /// <summary>set-env on the same tables (see EngineCore.Environment.cs for how the global one reaches live instances).</summary>
    Task SetEnvironmentAsync(string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken = default) =>
        Task.FromException(new NotSupportedException("no job environment tables"));

    /// <summary>unset-env on the same tables.</summary>
    Task UnsetEnvironmentAsync(string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken = default) =>
        Task.FromException(new NotSupportedException("no job environment tables"));

    /// <summary>reset-env on the same tables.</summary>
    Task ResetEnvironmentAsync(string? job, string? instance, CancellationToken cancellationToken = default) =>
        Task.FromException(new NotSupportedException("no job environment tables"));

    /// <summary>Raised on the engine thread for every event emitted and every goal/state change; handlers must not block.</summary>
    event Action<EngineNotification>? Notification;
}

/// <summary>
/// One instance (or a class with no instance: Goal Stop, State Waiting). ConfigChanged: the job file
/// changed or was deleted and this running instance still uses the old definition (UPSTART.md §0).
/// NextRespawn (beyond Upstart): while a respawn waits for its back-off, when the next attempt is due.
/// Since (beyond Upstart): when the instance entered its state; for a class with no instance, when its last
/// instance ended (null if none has since the daemon started).
/// The engine speaks enums; the edges render Upstart's words (JobGoalNames, JobStateNames, ProcessKind).
/// </summary>
public sealed record JobSnapshot(
    string Name,
    string Instance,
    JobGoal Goal,
    JobState State,
    IReadOnlyList<ProcessSnapshot> Processes,
    string? Description,
    string? StartOn,
    string? StopOn,
    bool IsTask,
    int RespawnCount,
    JobFailure? LastFailure,
    string? ConfigPath,
    bool HasInstance,
    bool ConfigChanged = false,
    DateTimeOffset? NextRespawn = null,
    DateTimeOffset? Since = null);

/// <summary>A live process of an instance.</summary>
public sealed record ProcessSnapshot(Upstart.JobFiles.Model.ProcessKind Kind, int Pid);

/// <summary>What an <see cref="EngineNotification"/> reports.</summary>
public enum NotificationKind
{
    /// <summary>An event was emitted: Name and Environment.</summary>
    Event,

    /// <summary>An instance's goal changed: Job, Instance, Goal, State.</summary>
    Goal,

    /// <summary>An instance's state changed: Job, Instance, Goal, State.</summary>
    State,
}

/// <summary>An event emitted, or a state change, for watch streams and the recent-event history.</summary>
public sealed record EngineNotification(
    DateTimeOffset Time,
    NotificationKind Kind,
    string Name,
    IReadOnlyList<string> Environment,
    string? Job,
    string? Instance,
    JobGoal? Goal,
    JobState? State);

public enum EngineError
{
    UnknownJob,
    UnknownInstance,
    AlreadyRunning,
    AlreadyStopped,
    JobFailedToStart,
    JobFailedWhileStopping,
    JobNotRunning,
    EventFailed,
    UnknownParameter,
    BadInstanceName,
    ShuttingDown,

    /// <summary>The job's pre-restart check failed: the restart or reload was not done (<see cref="EngineException.Check"/>).</summary>
    CheckFailed,

    /// <summary>A pre-restart check of this instance is already running.</summary>
    CheckInProgress,

    /// <summary>set-env would make a job environment larger than a process could be given.</summary>
    EnvironmentTooLarge,
}

/// <summary>A refused or failed request; Message is initctl's text (`Unknown job: foo`).</summary>
public sealed class EngineException(EngineError error, string message, CheckFailure? check = null) : Exception(message)
{
    public EngineError Error { get; } = error;

    /// <summary>For <see cref="EngineError.CheckFailed"/>: the check's status and last output lines.</summary>
    public CheckFailure? Check { get; } = check;
}
