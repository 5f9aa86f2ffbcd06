using System.Runtime.CompilerServices;
using System.Threading.Channels;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;
using UpstartPS.Protocol.Server;

namespace UpstartPS.Tests.Daemon;

/// <summary>
/// The real control server and client on a short socket path, with a scripted handler behind it:
/// the module's logic is driven through the actual protocol, and each test decides what the daemon
/// knows. (End-to-end with the real engine is the Pester suites' job.)
/// </summary>
internal sealed class ScriptedDaemon : IControlHandler, IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ups-").FullName;
    private readonly ControlServer _server;
    private readonly Dictionary<string, Channel<LogLineInfo>> _liveLogs = [];

    public ScriptedDaemon()
    {
        _server = new ControlServer(this, new ControlServerOptions { SocketPath = Path.Combine(_directory, "s"), Mode = DaemonMode.Session });
        _server.Start();
    }

    public string SocketPath => _server.SocketPath;

    public List<JobInfo> Jobs { get; } = [];

    public Dictionary<string, JobConfigInfo> Configs { get; } = [];

    public Dictionary<string, List<LogLineInfo>> Logs { get; } = [];

    /// <summary>list-env's answers: the global table under "", an instance's environment under "JOB/INSTANCE".</summary>
    public Dictionary<string, List<string>> Environments { get; } = [];

    /// <summary>Lines a following reader of that job's log receives, one channel per job (one reader each).</summary>
    public Channel<LogLineInfo> LiveLog(string job)
    {
        lock (_liveLogs)
        {
            return _liveLogs.TryGetValue(job, out var channel) ? channel : _liveLogs[job] = Channel.CreateUnbounded<LogLineInfo>();
        }
    }

    public Channel<EventInfo> LiveEvents { get; } = Channel.CreateUnbounded<EventInfo>();

    public List<string> Requests { get; } = [];

    public static CancellationToken Deadline(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public Task<UpstartClient> ConnectAsync() => UpstartClient.ConnectAsync(SocketPath, Deadline());

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(Deadline());
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    public Task<string> GetVersionAsync(ClientIdentity client, CancellationToken cancellationToken) => Task.FromResult("scripted");

    public Task<IReadOnlyList<JobInfo>> ListAsync(ClientIdentity client, CancellationToken cancellationToken)
    {
        lock (Jobs)
        {
            return Task.FromResult<IReadOnlyList<JobInfo>>(Jobs.ToList());
        }
    }

    public Task<IReadOnlyList<JobInfo>> StatusAsync(ClientIdentity client, string namePattern, string? instance, CancellationToken cancellationToken) =>
        ListAsync(client, cancellationToken);

    public Task<JobInfo> StartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Record("start", job, environment);

    public Task<JobInfo> StopAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Record("stop", job, environment);

    public Task<JobInfo> RestartAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Record("restart", job, environment);

    public Task<JobInfo> ReloadAsync(ClientIdentity client, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken) =>
        Record("reload", job, environment);

    public Task EmitAsync(ClientIdentity client, string eventName, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken) =>
        Record("emit", eventName, environment);

    public Task<ConfigurationChange> ReloadConfigurationAsync(ClientIdentity client, bool dryRun, CancellationToken cancellationToken) =>
        Task.FromResult(new ConfigurationChange(["added"], [], [], []));

    public Task<IReadOnlyList<CheckConfigItem>> CheckConfigAsync(ClientIdentity client, IReadOnlyList<string> ignoredEvents, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CheckConfigItem>>([]);

    public Task<JobConfigInfo> ShowConfigAsync(ClientIdentity client, string job, CancellationToken cancellationToken) =>
        Configs.TryGetValue(job, out var config)
            ? Task.FromResult(config)
            : Task.FromException<JobConfigInfo>(new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}"));

    public Task<IReadOnlyList<DiagnosticInfo>> GetDiagnosticsAsync(ClientIdentity client, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DiagnosticInfo>>([]);

    public async Task<IReadOnlyList<JobInfo>> SetEnabledAsync(ClientIdentity client, string job, bool enabled, bool stopNow, bool wait, CancellationToken cancellationToken) =>
        [(await Record(enabled ? "enable" : stopNow ? "disable-stop" : "disable", job, []).ConfigureAwait(false)) with { Disabled = !enabled, Goal = "stop", State = "waiting" }];

    public Task<IReadOnlyList<string>> ListEnvironmentAsync(ClientIdentity client, string? job, string? instance, CancellationToken cancellationToken) =>
        Environments.TryGetValue(job is null ? "" : $"{job}/{instance}", out var entries)
            ? Task.FromResult<IReadOnlyList<string>>(entries.ToList())
            : Task.FromException<IReadOnlyList<string>>(new UpstartException(UpstartErrorCode.UnknownJob, $"Unknown job: {job}"));

    public Task<string> LogPriorityAsync(ClientIdentity client, string? priority, CancellationToken cancellationToken) => Task.FromResult("message");

    public async IAsyncEnumerable<LogLineInfo> ReadLogAsync(
        ClientIdentity client, string job, string? instance, int tail, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var line in (Logs.TryGetValue(job, out var lines) ? lines : []).TakeLast(tail))
        {
            yield return line;
        }

        if (follow)
        {
            await foreach (var line in LiveLog(job).Reader.ReadAllAsync(cancellationToken))
            {
                yield return line;
            }
        }
    }

    public async IAsyncEnumerable<EventInfo> WatchAsync(ClientIdentity client, bool includeHistory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (includeHistory)
        {
            yield return new EventInfo { Name = "startup" };
        }

        await foreach (var item in LiveEvents.Reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }

    private Task<JobInfo> Record(string op, string target, IReadOnlyList<string> environment)
    {
        lock (Requests)
        {
            Requests.Add(environment.Count == 0 ? $"{op} {target}" : $"{op} {target} {string.Join(' ', environment)}");
        }

        return Task.FromResult(new JobInfo { Name = target, Goal = op == "stop" ? "stop" : "start", State = op == "stop" ? "waiting" : "running" });
    }
}
