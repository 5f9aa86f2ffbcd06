using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol.Server;

/// <summary>
/// What the daemon does for each request; <see cref="ControlServer"/> calls it only after the handshake, the
/// authorisation check and the argument check (<see cref="RequestArguments"/>, applied once by the
/// dispatcher) have passed, so an implementation only does the work.
/// </summary>
/// <remarks>
/// Refuse or fail with <see cref="UpstartException"/> carrying the code and initctl's text
/// (<c>Unknown job: foo</c>); the client receives exactly that. Any other exception reaches the client as
/// an internal error and is reported through <see cref="ControlServerOptions.Log"/>. The cancellation token
/// fires when the client cancels the request, disconnects, or the server stops. Methods are called on the
/// connection's read loop until their first await: they must not block.
/// <para>
/// A start, stop, restart or emit that waits (and an await) must have made its change, or queued it ahead of
/// anything asked later, by the time the call returns its task: a re-exec does not wait for such an answer, only
/// for the call to return, then takes its snapshot and hands the wait over (docs/protocol.md).
/// </para>
/// </remarks>
public interface IControlHandler
{
    /// <summary>initctl version: <c>init (upstart 1.13.2)</c> or the daemon's own text.</summary>
    Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken);

    /// <summary>Instances of jobs whose name matches the pattern (see <see cref="JobNamePattern"/>); instance null = all.</summary>
    Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken);

    /// <summary>
    /// list answered at once, when the handler can without waiting (the daemon: from the engine's published
    /// status); null to take <see cref="ListAsync"/>. Called on the read loop: must not block.
    /// </summary>
    IReadOnlyList<JobInfo>? TryListNow(ClientIdentity client) => null;

    /// <summary>As <see cref="TryListNow"/> for <see cref="StatusAsync"/>; may throw as StatusAsync does (Unknown job).</summary>
    IReadOnlyList<JobInfo>? TryStatusNow(ClientIdentity client, string namePattern, string? instance) => null;

    Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken);

    Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken);

    Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken);

    Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken);

    Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken);

    Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken);

    Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken);

    /// <summary>check-config with initctl's `-w` (<paramref name="warnAll"/>); a handler without it answers as without `-w`.</summary>
    Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, bool warnAll, CancellationToken cancellationToken) =>
        CheckConfigAsync(client, ignoredEvents, cancellationToken);

    Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken);

    Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken);

    /// <summary>
    /// Enable or disable a job (persisted); with <paramref name="stopNow"/> (only with enabled false) also stop
    /// every running instance, waiting for them when <paramref name="wait"/>. Returns the job's instances after.
    /// </summary>
    Task<IReadOnlyList<JobInfo>> SetEnabledAsync(ClientIdentity client, string job, bool enabled, bool stopNow, bool wait, CancellationToken cancellationToken);

    /// <summary>Returns the log priority in force; sets it first when <paramref name="priority"/> is not null.</summary>
    Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken);

    /// <summary>
    /// list-env: the VAR=VALUE entries of the global job environment table (<paramref name="job"/> null) or of
    /// one instance's environment (UnknownJob, UnknownInstance). The environment methods default to a refusal,
    /// for handlers that keep no table.
    /// </summary>
    Task<IReadOnlyList<string>> ListEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<string>>(NoEnvironment());

    /// <summary>get-env: one variable's value (UnknownVariable when not set).</summary>
    Task<string> GetEnvironmentAsync(ClientIdentity client, string? job, string? instance, string name, CancellationToken cancellationToken) =>
        Task.FromException<string>(NoEnvironment());

    /// <summary>set-env: VAR or VAR=VALUE entries; <paramref name="retain"/> keeps a value already set.</summary>
    Task SetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken) =>
        Task.FromException(NoEnvironment());

    /// <summary>unset-env: removes the named variables.</summary>
    Task UnsetEnvironmentAsync(ClientIdentity client, string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        Task.FromException(NoEnvironment());

    /// <summary>reset-env: the global table back to its defaults, or an instance's environment back to its job's.</summary>
    Task ResetEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Task.FromException(NoEnvironment());

    /// <summary>
    /// The last <paramref name="tail"/> lines, then with <paramref name="follow"/> new lines until cancelled.
    /// The server writes items as fast as the client reads them; a producer that must never wait (the engine)
    /// should feed this from a bounded buffer of its own.
    /// </summary>
    IAsyncEnumerable<LogLineInfo> ReadLogAsync(ClientIdentity client, string job, string? instance, int tail, bool follow, CancellationToken cancellationToken);

    /// <summary>
    /// As above, carrying on a follow from <paramref name="resumeFrom"/>, the point a stream handed over at a re-exec
    /// ended at (<see cref="StreamHandoverException"/>). A handler that never hands streams over refuses it.
    /// </summary>
    IAsyncEnumerable<LogLineInfo> ReadLogAsync(ClientIdentity client, string job, string? instance, int tail, bool follow, string? resumeFrom, CancellationToken cancellationToken) =>
        resumeFrom is null
            ? ReadLogAsync(client, job, instance, tail, follow, cancellationToken)
            : throw new UpstartException(UpstartErrorCode.ResumeFailed, "This daemon cannot carry on a stream from a re-exec");

    /// <summary>Events and state changes until cancelled; with history, recent ones first. Same back-pressure note as logs.</summary>
    IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, CancellationToken cancellationToken);

    /// <summary>As above, carrying on a watch handed over at a re-exec (<paramref name="resumeFrom"/>), as for logs.</summary>
    IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, string? resumeFrom, CancellationToken cancellationToken) =>
        resumeFrom is null
            ? WatchAsync(client, includeHistory, cancellationToken)
            : throw new UpstartException(UpstartErrorCode.ResumeFailed, "This daemon cannot carry on a stream from a re-exec");

    /// <summary>
    /// re-exec: checks that the daemon can replace its program and returns the action that does it. The
    /// server sends the (empty) reply first and then runs the action, since the exec closes the connection.
    /// A handler without the ability refuses.
    /// </summary>
    Task<Action> PrepareReExecAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Task.FromException<Action>(new UpstartException(UpstartErrorCode.BadRequest, "This daemon cannot re-exec"));

    /// <summary>
    /// notify-disk-writeable: tries at once to write the job output kept while its logs could not be written;
    /// returns how many bytes are still kept. A handler that keeps none answers 0.
    /// </summary>
    Task<long> NotifyDiskWriteableAsync(ClientIdentity client, CancellationToken cancellationToken) => Task.FromResult(0L);

    /// <summary>
    /// await: waits for what a start, stop or restart (<paramref name="kind"/>: its op) of <paramref name="job"/> with
    /// <paramref name="environment"/> waited for when the previous program re-executed under it, and answers as that
    /// request would have. The changes were made already: nothing is started or stopped here.
    /// </summary>
    Task<JobInfo> AwaitAsync(ClientIdentity client, string kind, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        Task.FromException<JobInfo>(new UpstartException(UpstartErrorCode.BadRequest, "This daemon cannot await a request cut by a re-exec"));

    /// <summary>
    /// await after an emit: waits for the event <paramref name="eventName"/> with <paramref name="environment"/> that the
    /// previous program handed over unfinished when it re-executed under the emit, and ends as that emit would have
    /// (EventFailed when a job it started or stopped failed). Emits nothing.
    /// </summary>
    Task AwaitEventAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        Task.FromException(new UpstartException(UpstartErrorCode.BadRequest, "This daemon cannot await a request cut by a re-exec"));

    private static UpstartException NoEnvironment() =>
        new(UpstartErrorCode.BadRequest, "This daemon keeps no job environment table");
}
