using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Control;

/// <summary>
/// The protocol's <see cref="IControlHandler"/> over <see cref="DaemonControl"/>. The server has already
/// checked who may do what (<see cref="ControlAuthorization"/>) before a call arrives here.
/// </summary>
public sealed class ControlHandler(DaemonControl control) : IControlHandler
{
    public Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Task.FromResult(DaemonControl.VersionText);

    public Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        control.ListAsync(cancellationToken);

    public Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken) =>
        control.StatusAsync(namePattern, instance, cancellationToken);

    public Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        control.StartAsync(job, environment, wait, cancellationToken);

    public Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        control.StopAsync(job, environment, wait, cancellationToken);

    public Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        control.RestartAsync(job, environment, wait, cancellationToken);

    public Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        control.ReloadAsync(job, environment, cancellationToken);

    public Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        control.EmitAsync(eventName, environment, wait, cancellationToken);

    public Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken) =>
        control.ReloadConfigurationAsync(dryRun, cancellationToken);

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken) =>
        Task.Run(() => control.CheckConfig(ignoredEvents), cancellationToken);

    public Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken) =>
        Task.Run(() => control.ShowConfig(job), cancellationToken);

    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Task.FromResult(control.GetDiagnostics());

    public Task SetEnabledAsync(ClientIdentity client, string job, bool enabled, CancellationToken cancellationToken) =>
        control.SetEnabledAsync(job, enabled, cancellationToken);

    public Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken) =>
        Task.FromResult(control.LogPriority(priority));

    public IAsyncEnumerable<LogLineInfo> ReadLogAsync(ClientIdentity client, string job, string? instance, int tail, bool follow, CancellationToken cancellationToken) =>
        control.ReadLogAsync(job, instance, tail, follow, cancellationToken);

    public IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, CancellationToken cancellationToken) =>
        control.WatchAsync(includeHistory, cancellationToken);
}
