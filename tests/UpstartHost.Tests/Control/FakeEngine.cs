using System.Collections.Concurrent;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Control;

/// <summary>
/// A stand-in engine for the daemon's own logic: jobs are running or not, events are recorded, and the
/// last catalog applied is kept so tests can see what the engine was told (e.g. masked `start on`).
/// </summary>
internal sealed class FakeEngine : IEngineControl
{
    private readonly ConcurrentDictionary<string, string> states = new(StringComparer.Ordinal);

    public JobCatalog? Applied { get; private set; }

    public int ApplyCount { get; private set; }

    /// <summary>The disabled jobs handed over with the last catalog.</summary>
    public IReadOnlySet<string>? AppliedDisabled { get; private set; }

    /// <summary>Jobs the engine still knows though the catalog no longer has them (a removed file whose instance still runs).</summary>
    public HashSet<string> Lingering { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Emitted { get; } = new();

    /// <summary>Catalog applications and stop-instances requests in order: "apply (no start on: task1 web)", "stop-instances web".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>What list-env answers (any scope), and the environment calls made: "set test () A=1 retain", "unset - X", "reset -".</summary>
    public List<string> EnvironmentTable { get; } = [];

    public Task<IReadOnlyList<string>> ReadEnvironmentAsync(string? job, string? instance, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. EnvironmentTable]);

    public Task SetEnvironmentAsync(string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue($"set {Scope(job, instance)} {string.Join(' ', variables)}{(retain ? " retain" : "")}");
        return Task.CompletedTask;
    }

    public Task UnsetEnvironmentAsync(string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue($"unset {Scope(job, instance)} {string.Join(' ', names)}");
        return Task.CompletedTask;
    }

    public Task ResetEnvironmentAsync(string? job, string? instance, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue($"reset {Scope(job, instance)}");
        return Task.CompletedTask;
    }

    private static string Scope(string? job, string? instance) => job is null ? "-" : $"{job} ({instance})";

    public event Action<EngineNotification>? Notification;

    public void Raise(EngineNotification n) => Notification?.Invoke(n);

    public Task<IReadOnlyList<JobSnapshot>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JobSnapshot>>([.. (Applied?.Jobs.Keys ?? []).Order(StringComparer.Ordinal).Select(Snapshot)]);

    public Task<IReadOnlyList<JobSnapshot>> StatusAsync(string namePattern, string? instance, CancellationToken cancellationToken = default)
    {
        var pattern = new JobNamePattern(namePattern);
        return Task.FromResult<IReadOnlyList<JobSnapshot>>(
            [.. (Applied?.Jobs.Keys ?? []).Concat(Lingering).Distinct().Where(pattern.IsMatch).Order(StringComparer.Ordinal).Select(Snapshot).Where(s => instance is null || s.Instance == instance)]);
    }

    public Task<JobSnapshot> StartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default)
    {
        Known(job);
        if (states.GetValueOrDefault(job) == "running")
        {
            throw new EngineException(EngineError.AlreadyRunning, $"Job is already running: {job}");
        }

        states[job] = "running";
        return Task.FromResult(Snapshot(job));
    }

    public Task<JobSnapshot> StopAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default)
    {
        Known(job);
        if (states.GetValueOrDefault(job) != "running")
        {
            throw new EngineException(EngineError.UnknownInstance, "Unknown instance: ");
        }

        states[job] = "waiting";
        return Task.FromResult(Snapshot(job));
    }

    public Task<IReadOnlyList<JobSnapshot>> StopInstancesAsync(string job, bool wait, CancellationToken cancellationToken = default)
    {
        Known(job);
        Calls.Enqueue("stop-instances " + job);
        states[job] = "waiting";
        return Task.FromResult<IReadOnlyList<JobSnapshot>>([Snapshot(job)]);
    }

    public Task<JobSnapshot> RestartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default)
    {
        Known(job);
        states[job] = "running";
        return Task.FromResult(Snapshot(job));
    }

    public Task<JobSnapshot> ReloadAsync(string job, IReadOnlyList<string> environment, CancellationToken cancellationToken = default)
    {
        Known(job);
        return states.GetValueOrDefault(job) == "running"
            ? Task.FromResult(Snapshot(job))
            : throw new EngineException(EngineError.JobNotRunning, $"Job is not running: {job}");
    }

    public Task EmitAsync(string name, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default)
    {
        Emitted.Enqueue(environment.Count == 0 ? name : name + " " + string.Join(' ', environment));
        if (Applied is not null)
        {
            foreach (var job in Applied.Jobs.Values.Where(j => j.StartOn?.EventNames().Contains(name) == true))
            {
                states[job.Name] = "running";
            }
        }

        return Task.CompletedTask;
    }

    public Task ApplyCatalogAsync(JobCatalog catalog, IReadOnlySet<string> disabled, CancellationToken cancellationToken = default)
    {
        AppliedDisabled = disabled;
        return ApplyCatalogAsync(catalog, cancellationToken);
    }

    public Task ApplyCatalogAsync(JobCatalog catalog, CancellationToken cancellationToken = default)
    {
        Applied = catalog;
        ApplyCount++;
        var masked = catalog.Jobs.Values.Where(j => j.StartOn is null).Select(j => j.Name).Order(StringComparer.Ordinal);
        Calls.Enqueue($"apply (no start on: {string.Join(' ', masked)})");
        return Task.CompletedTask;
    }

    public Task StopAllAsync(CancellationToken cancellationToken = default)
    {
        states.Clear();
        return Task.CompletedTask;
    }

    private void Known(string job)
    {
        if ((Applied is null || !Applied.Jobs.ContainsKey(job)) && !Lingering.Contains(job))
        {
            throw new EngineException(EngineError.UnknownJob, $"Unknown job: {job}");
        }
    }

    private JobSnapshot Snapshot(string job)
    {
        var running = states.GetValueOrDefault(job) == "running";
        return new JobSnapshot(job, "", running ? JobGoal.Start : JobGoal.Stop, running ? JobState.Running : JobState.Waiting,
            running ? [new ProcessSnapshot(ProcessKind.Main, 4242)] : [], null, null, null, false, 0, null, null, running);
    }
}
