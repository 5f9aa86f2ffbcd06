using System.Runtime.CompilerServices;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Benchmarks.Protocol;

/// <summary>A handler that answers from memory at once, so the figures measure only the protocol: 1,000 jobs for list, one for status.</summary>
internal sealed class CannedControlHandler : IControlHandler
{
    private readonly IReadOnlyList<JobInfo> _all;
    private readonly Dictionary<string, IReadOnlyList<JobInfo>> _byName;

    public CannedControlHandler(int jobs = 1000)
    {
        _all = Enumerable.Range(0, jobs).Select(i => new JobInfo
        {
            Name = $"service-{i:0000}",
            Goal = i % 3 == 0 ? "start" : "stop",
            State = i % 3 == 0 ? "running" : "waiting",
            HasInstance = i % 3 == 0,
            Processes = i % 3 == 0 ? [new ProcessInfo("main", 10_000 + i)] : [],
            Description = $"Example service number {i}",
            StartOn = "runlevel [2345]",
            StopOn = "runlevel [!2345]",
            ConfigPath = $"/etc/init/service-{i:0000}.conf",
        }).ToList();
        _byName = _all.ToDictionary(j => j.Name, j => (IReadOnlyList<JobInfo>)[j]);
    }

    public Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken) =>
        Task.FromResult(_byName.TryGetValue(namePattern, out var found) ? found : []);

    public Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken) => Task.FromResult(_all);

    public Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken) => Task.FromResult("init (upstart 1.13.2)");

    public Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Task.FromResult(_byName[job][0]);

    public Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Task.FromResult(_byName[job][0]);

    public Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Task.FromResult(_byName[job][0]);

    public Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        Task.FromResult(_byName[job][0]);

    public Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken) =>
        Task.FromResult(new ConfigurationChange([], [], [], []));

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CheckConfigItem>>([]);

    public Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken) =>
        Task.FromResult(new JobConfigInfo { Name = job });

    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DiagnosticInfo>>([]);

    public Task<IReadOnlyList<JobInfo>> SetEnabledAsync(ClientIdentity client, string job, bool enabled, bool stopNow, bool wait, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JobInfo>>([]);

    public Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken) => Task.FromResult("message");

    public async IAsyncEnumerable<LogLineInfo> ReadLogAsync(
        ClientIdentity client, string job, string? instance, int tail, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public async IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }
}
