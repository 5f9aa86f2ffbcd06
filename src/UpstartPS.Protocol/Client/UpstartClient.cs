using UpstartPS.Protocol.Messages;

namespace UpstartPS.Protocol.Client;

/// <summary>
/// The one client of the control socket, used by the PowerShell module, upstartctl and tests.
/// Async and cancellable; one connection, concurrent requests matched by id.
/// CONTRACT (implemented by the protocol work): keep these signatures.
/// </summary>
public sealed class UpstartClient : IAsyncDisposable, IDisposable
{
    private UpstartClient()
    {
    }

    /// <summary>The socket path a client uses when none is given: $UPSTARTPS_SOCKET, else the session daemon's, else the system one.</summary>
    public static string ResolveSocketPath(bool? system = null) => throw new NotImplementedException();

    public static Task<UpstartClient> ConnectAsync(string? socketPath = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public string SocketPath => throw new NotImplementedException();

    public Task<string> GetVersionAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    public Task<IReadOnlyList<JobInfo>> ListAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Instances of jobs whose name matches <paramref name="namePattern"/> (wildcards * ? [..]); instance null = all.</summary>
    public Task<IReadOnlyList<JobInfo>> StatusAsync(string namePattern, string? instance = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<JobInfo> StartAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<JobInfo> StopAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<JobInfo> RestartAsync(string job, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<JobInfo> ReloadAsync(string job, IReadOnlyList<string>? environment = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task EmitAsync(string eventName, IReadOnlyList<string>? environment = null, bool wait = true, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Re-reads the job directories; with dryRun, only reports what would change.</summary>
    public Task<ConfigurationChange> ReloadConfigurationAsync(bool dryRun = false, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(IReadOnlyList<string>? ignoredEvents = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<JobConfigInfo> ShowConfigAsync(string job, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Diagnostics of job files the daemon could not load.</summary>
    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Disable (persisted: not started by events, start refused until enabled) or enable a job.</summary>
    public Task SetEnabledAsync(string job, bool enabled, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Gets the log priority, or sets it when <paramref name="priority"/> is given; returns the priority in force.</summary>
    public Task<string> LogPriorityAsync(string? priority = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>The last <paramref name="tail"/> lines of a job's log, then (with follow) new lines until cancelled.</summary>
    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(string job, string? instance = null, int tail = 10, bool follow = false, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Events and state changes as they happen, until cancelled; with history, recent events first.</summary>
    public IAsyncEnumerable<EventInfo> WatchAsync(bool includeHistory = false, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
