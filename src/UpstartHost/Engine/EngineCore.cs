using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Engine;

/// <summary>
/// Every job class, instance and event, owned by one thread (DESIGN.md decision 3). Nothing here locks:
/// <see cref="JobEngine"/> calls it only from its engine thread, and tests call it from the test thread
/// with a fake process layer and a fake clock. Operations change goals and states synchronously;
/// <see cref="Poll"/> then handles the queued events, as Upstart's main loop runs event_poll after each
/// message.
/// </summary>
internal sealed partial class EngineCore
{
    private readonly EngineOptions _options;
    private readonly IProcessLayer _processes;
    private readonly IEngineClock _clock;
    private readonly ILogger _logger;
    private readonly Action<Action> _post;
    private readonly JobClassRegistry _registry = new();
    private readonly EventQueue _queue = new();
    private readonly ProcessTable _processTable = new();
    private readonly Shutdown _shutdown = new();
    private readonly Action<EngineEvent> _handleEvent;
    private readonly Action<EngineEvent> _finishEvent;

    /// <param name="post">Queues work for the engine thread (timer callbacks arrive on other threads).</param>
    public EngineCore(EngineOptions options, IProcessLayer processes, IEngineClock clock, ILogger logger, Action<Action> post)
    {
        _options = options;
        _processes = processes;
        _clock = clock;
        _logger = logger;
        _post = post;
        _handleEvent = HandleEvent;
        _finishEvent = FinishEvent;
    }

    /// <summary>Raised for every event handled and every goal/state change.</summary>
    public event Action<EngineNotification>? Notification;

    /// <summary>Raised for every event as it is queued (tests and the conformance runner watch job events).</summary>
    public event Action<EngineEvent>? EventQueued
    {
        add => _queue.Queued += value;
        remove => _queue.Queued -= value;
    }

    public EngineOptions Options => _options;

    public int ClassCount => _registry.Count;

    public int InstanceCount => _registry.InstanceCount;

    /// <summary>Events not yet finished (pending or being handled).</summary>
    public int LiveEventCount => _queue.LiveCount;

    /// <summary>The events not yet finished, oldest first (engine thread; benchmarks and tests look at their holds).</summary>
    internal IReadOnlyList<EngineEvent> LiveEvents => _queue.Live;

    /// <summary>
    /// Loads a whole catalog (reload-configuration, inotify); see <see cref="JobClassRegistry"/>. <paramref name="disabled"/>
    /// names the jobs no event may start (null: unchanged).
    /// </summary>
    public void ApplyCatalog(JobCatalog catalog, IReadOnlySet<string>? disabled = null) => _registry.ApplyCatalog(catalog, disabled);

    /// <summary>Adds or replaces one class (tests and single-file reloads).</summary>
    public void ApplyConfig(JobClassConfig config) => _registry.ApplyConfig(config);

    public JobClassConfig? GetConfig(string name) =>
        _registry.TryGet(name, out var c) ? c.Config : null;

    public IReadOnlyList<JobClassConfig> GetConfigs() =>
        [.. _registry.All.Select(c => c.Config).OrderBy(c => c.Name, StringComparer.Ordinal)];

    internal JobInstance? FindInstance(string job, string instance) =>
        _registry.TryGet(job, out var c) && c.Instances.TryGetValue(instance, out var i) ? i : null;

    private void Notify(EngineNotification notification)
    {
        if (Notification is not { } handler)
        {
            return;
        }

        try
        {
            handler(notification);
        }
#pragma warning disable CA1031 // A subscriber's bug must never stop the engine thread.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EngineLog.NotificationFailed(_logger, ex);
        }
    }

    private void NotifyInstance(JobInstance instance, NotificationKind kind)
    {
        _instanceVersion++;
        Notify(new EngineNotification(
            _clock.UtcNow,
            kind,
            instance.Config.Name,
            [],
            instance.Config.Name,
            instance.Name,
            instance.Goal,
            instance.State));
    }

    public IReadOnlyList<JobSnapshot> List()
    {
        var list = new List<JobSnapshot>();
        foreach (var c in _registry.All.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (c.Instances.Count == 0)
            {
                list.Add(JobSnapshots.OfClass(c));
                continue;
            }

            foreach (var i in c.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                list.Add(JobSnapshots.Of(i));
            }
        }

        return list;
    }
}
