using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Engine;

/// <summary>
/// The supervision engine as the daemon sees it: one dedicated thread owns every job, instance and event
/// (DESIGN.md decision 3). Control requests, process notices and timers are messages posted to its inbox
/// (System.Threading.Channels); after each message it runs the event queue, as Upstart's main loop does.
/// Call <see cref="Start"/> once; messages posted before that wait in the inbox.
/// </summary>
public sealed class JobEngine : IEngineControl, IProcessNoticeSink, IAsyncDisposable
{
    // Synchronous continuations: the only one is the engine thread's own wait (Run), so a post wakes the
    // engine from the posting thread instead of queueing a pool work item to do it. No pool hop per message,
    // and supervision goes on while every pool thread is busy (EngineWakeTests; docs/performance.md).
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });

    private readonly EngineCore _core;
    private readonly ILogger<JobEngine> _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;
    private Action<IReadOnlyList<InstanceRecord>, IReadOnlyList<EventRecord>>? _stateChanged;
    private long _recordedVersion = -1;

    // Engine thread only: set while a message is handled; replies completed meanwhile wait in _replies (Reply).
    private bool _handling;
    private readonly List<Action> _replies = [];

    // Status without a hop (issue 11): messages posted (any thread) and handled (engine thread), and the last
    // status the engine published. A reader asks for a fresh one by setting _statusWanted before it posts.
    private long _posted;
    private long _handled;
    private PublishedStatus? _published;
    private int _statusWanted;

    public JobEngine(EngineOptions options, IProcessLayer processes, IEngineClock clock, ILogger<JobEngine> logger)
        : this(options, _ => processes, clock, logger)
    {
        ArgumentNullException.ThrowIfNull(processes);
    }

    /// <summary>
    /// For a process layer that needs its notice sink when it is built (the engine is that sink):
    /// <paramref name="createProcessLayer"/> is called once, here, with this engine.
    /// </summary>
    public JobEngine(EngineOptions options, Func<IProcessNoticeSink, IProcessLayer> createProcessLayer, IEngineClock clock, ILogger<JobEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(createProcessLayer);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        var processes = createProcessLayer(this) ?? throw new ArgumentException("no process layer", nameof(createProcessLayer));
        _core = new EngineCore(options, processes, clock, logger, work => Post(work));
        _core.Notification += n => Notification?.Invoke(n);
    }

    /// <inheritdoc />
    public event Action<EngineNotification>? Notification;

    /// <summary>Starts the engine thread.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The engine is already started.");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "upstart-engine" };
        _thread.Start();
    }

    /// <summary>
    /// The status the engine published, if no message has been posted to the engine since it was taken (so it
    /// is what the engine would answer now, and follows every request already answered); otherwise null, and
    /// the engine publishes a fresh one once it has handled what is waiting. Any thread.
    /// </summary>
    public PublishedStatus? CurrentStatus
    {
        get
        {
            var published = Volatile.Read(ref _published);
            if (published is not null && published.Sequence == Interlocked.Read(ref _posted))
            {
                return published;
            }

            Volatile.Write(ref _statusWanted, 1);
            return null;
        }
    }

    /// <inheritdoc />
    public void Post(ProcessNotice notice) => Post(() => _core.OnProcessNotice(notice));

    public Task<IReadOnlyList<JobSnapshot>> ListAsync(CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(_core.List()), cancellationToken);

    public Task<IReadOnlyList<JobSnapshot>> StatusAsync(string namePattern, string? instance, CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(_core.Status(namePattern, instance)), cancellationToken);

    public Task<JobSnapshot> StartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default) =>
        Invoke(() => _core.Start(job, environment ?? [], wait), cancellationToken);

    public Task<JobSnapshot> StopAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default) =>
        Invoke(() => _core.Stop(job, environment ?? [], wait), cancellationToken);

    public Task<IReadOnlyList<JobSnapshot>> StopInstancesAsync(string job, bool wait, CancellationToken cancellationToken = default) =>
        Invoke(() => _core.StopInstances(job, wait), cancellationToken);

    public Task<JobSnapshot> RestartAsync(string job, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default) =>
        Invoke(() => _core.Restart(job, environment ?? [], wait), cancellationToken);

    public Task<JobSnapshot> ReloadAsync(string job, IReadOnlyList<string> environment, CancellationToken cancellationToken = default) =>
        Invoke(() => _core.Reload(job, environment ?? []), cancellationToken);

    public Task EmitAsync(string name, IReadOnlyList<string> environment, bool wait, CancellationToken cancellationToken = default) =>
        Invoke(async () =>
        {
            await _core.EmitRequest(name, environment ?? [], wait).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task ApplyCatalogAsync(JobCatalog catalog, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Invoke(() =>
        {
            _core.ApplyCatalog(catalog);
            return Task.FromResult(true);
        }, cancellationToken);
    }

    public Task ApplyCatalogAsync(JobCatalog catalog, IReadOnlySet<string> disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(disabled);
        return Invoke(() =>
        {
            _core.ApplyCatalog(catalog, disabled);
            return Task.FromResult(true);
        }, cancellationToken);
    }

    public Task StopAllAsync(CancellationToken cancellationToken = default) =>
        Invoke(async () =>
        {
            await _core.StopAll().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<JobSnapshot> AwaitAsync(RequestKind kind, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken = default) =>
        Invoke(() => _core.Await(kind, job, environment ?? [], cancellationToken), cancellationToken);

    /// <summary>await for an emit a re-exec cut: completes when the handed-over event finishes (EventFailed as the emit would have).</summary>
    public Task AwaitEventAsync(string name, IReadOnlyList<string> environment, CancellationToken cancellationToken = default) =>
        Invoke(async () =>
        {
            await _core.AwaitEvent(name, environment ?? []).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ReadEnvironmentAsync(string? job, string? instance, CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(_core.ReadEnvironment(job, instance)), cancellationToken);

    public Task SetEnvironmentAsync(string? job, string? instance, IReadOnlyList<string> variables, bool retain, CancellationToken cancellationToken = default) =>
        Invoke(() =>
        {
            _core.SetEnvironment(job, instance, variables, retain);
            return Task.FromResult(true);
        }, cancellationToken);

    public Task UnsetEnvironmentAsync(string? job, string? instance, IReadOnlyList<string> names, CancellationToken cancellationToken = default) =>
        Invoke(() =>
        {
            _core.UnsetEnvironment(job, instance, names);
            return Task.FromResult(true);
        }, cancellationToken);

    public Task ResetEnvironmentAsync(string? job, string? instance, CancellationToken cancellationToken = default) =>
        Invoke(() =>
        {
            _core.ResetEnvironment(job, instance);
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>Puts back the global job environment table an earlier program recorded; call before <see cref="RestoreAsync"/>.</summary>
    public Task RestoreGlobalEnvironmentAsync(IReadOnlyList<string> table, CancellationToken cancellationToken = default) =>
        Invoke(() =>
        {
            _core.RestoreGlobalEnvironment(table);
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>
    /// The global job environment table as set-env, unset-env or reset-env left it, for the runtime state file; null
    /// while no command changed it. Any thread.
    /// </summary>
    public IReadOnlyList<string>? RecordedGlobalEnvironment => _core.RecordedGlobalEnvironment;

    /// <summary>One job class's definition (show-config), or null when no such job is loaded.</summary>
    public Task<JobClassConfig?> GetJobConfigAsync(string job, CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(_core.GetConfig(job)), cancellationToken);

    /// <summary>Every loaded job class's definition, by name (show-config without a job, check-config).</summary>
    public Task<IReadOnlyList<JobClassConfig>> GetJobConfigsAsync(CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(_core.GetConfigs()), cancellationToken);

    /// <summary>
    /// Rebuilds the instances an earlier daemon recorded (<see cref="EngineCore.Restore"/>); the job
    /// classes must be loaded first. Returns how many processes were adopted.
    /// </summary>
    /// <param name="earlier">Per job, the definition its instances ran under where the job file changed since.</param>
    /// <param name="awaitStop">See <see cref="EngineCore.Restore"/>.</param>
    /// <param name="announced">See <see cref="EngineCore.Restore"/>; on the engine thread.</param>
    public Task<int> RestoreAsync(
        IReadOnlyList<InstanceRecord> records,
        long recordAgeSeconds,
        Func<ProcessRecord, bool> adopt,
        IReadOnlyDictionary<string, EarlierDefinition>? earlier = null,
        Func<int, bool>? awaitStop = null,
        Action? announced = null,
        WorkUnderWay? underWay = null,
        CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(_core.Restore(records, recordAgeSeconds, adopt, earlier, awaitStop, announced, underWay)), cancellationToken);

    /// <summary>
    /// From now on, <paramref name="stateChanged"/> gets a snapshot of every instance after each burst of
    /// messages that changed a goal, a state or a pid (on the engine thread: it must only hand it on), and
    /// once at once.
    /// </summary>
    public Task TrackStateAsync(Action<IReadOnlyList<InstanceRecord>, IReadOnlyList<EventRecord>> stateChanged, CancellationToken cancellationToken = default) =>
        Invoke(() =>
        {
            _stateChanged = stateChanged;
            _recordedVersion = -1;
            RecordStateIfChanged();
            return Task.FromResult(true);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> on the engine thread with a snapshot of every instance: nothing else
    /// happens in the engine meanwhile, so the snapshot stays true while it runs (re-exec execs in it).
    /// </summary>
    public Task<T> WithSnapshotAsync<T>(Func<IReadOnlyList<InstanceRecord>, T> action, CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(action(_core.SnapshotInstances())), cancellationToken);

    /// <summary>
    /// As <see cref="WithSnapshotAsync{T}"/>, with the events not yet finished and the requests waiting on instances
    /// too (a re-exec hands them all over).
    /// </summary>
    public Task<T> WithSnapshotAsync<T>(Func<IReadOnlyList<InstanceRecord>, WorkUnderWay, T> action, CancellationToken cancellationToken = default) =>
        Invoke(() => Task.FromResult(action(_core.SnapshotInstances(), _core.SnapshotWorkUnderWay())), cancellationToken);

    /// <summary>Stops the engine thread (jobs keep running: DESIGN.md decision 7). Pending requests get ShuttingDown.</summary>
    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        if (_thread is null)
        {
            return;
        }

        await _stopped.Task.ConfigureAwait(false);
    }

    private void Post(Action work)
    {
        Interlocked.Increment(ref _posted);
        if (!_inbox.Writer.TryWrite(work))
        {
            // The engine is gone; nothing can be done with a late notice or timer.
            return;
        }
    }

    /// <summary>Runs <paramref name="operation"/> on the engine thread; its task's outcome becomes the caller's.</summary>
    private Task<T> Invoke<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _posted);
        var posted = _inbox.Writer.TryWrite(() =>
        {
            Task<T> task;
            try
            {
                task = operation();
            }
#pragma warning disable CA1031 // Any failure belongs to the caller, never to the engine thread.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                reply.TrySetException(ex);
                return;
            }

            task.ContinueWith(
                t => Reply(() =>
                {
                    if (t.IsFaulted)
                    {
                        reply.TrySetException(t.Exception!.InnerExceptions);
                    }
                    else if (t.IsCanceled)
                    {
                        reply.TrySetCanceled();
                    }
                    else
                    {
                        reply.TrySetResult(t.Result);
                    }
                }),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        });

        if (!posted)
        {
            reply.TrySetException(new EngineException(EngineError.ShuttingDown, "The daemon is shutting down"));
        }

        return cancellationToken.CanBeCanceled ? reply.Task.WaitAsync(cancellationToken) : reply.Task;
    }

    private const int MessagesPerStateRecord = 64;

    /// <summary>
    /// Completes a caller's reply once the message that produced it, and the event queue that message started,
    /// are done: whoever gets the answer to a start or a stop then also finds every event and notification the
    /// engine emitted on the way (the caller's continuation runs on the pool, which could otherwise look while
    /// the engine is still in the middle of the message). On the engine thread mid-message it waits in
    /// <see cref="_replies"/>; from another thread (a request's own task completes its continuations on the
    /// pool) it goes through the inbox, so it comes after the message that completed the request.
    /// </summary>
    private void Reply(Action complete)
    {
        if (Thread.CurrentThread == _thread)
        {
            if (_handling)
            {
                _replies.Add(complete);
            }
            else
            {
                complete();
            }

            return;
        }

        Interlocked.Increment(ref _posted);
        if (!_inbox.Writer.TryWrite(complete))
        {
            // The engine is gone: answer at once rather than never.
            Interlocked.Decrement(ref _posted);
            complete();
        }
    }

    private void CompleteReplies()
    {
        if (_replies.Count == 0)
        {
            return;
        }

        foreach (var complete in _replies)
        {
            complete();
        }

        _replies.Clear();
    }

    private void RecordStateIfChanged()
    {
        if (_stateChanged is null || _core.StateVersion == _recordedVersion)
        {
            return;
        }

        try
        {
            _recordedVersion = _core.StateVersion;
            _stateChanged(_core.SnapshotInstances(), _core.SnapshotEvents());
        }
#pragma warning disable CA1031 // Recording the state is best effort; supervision goes on without it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EngineLog.MessageFailed(_logger, ex);
        }
    }

    /// <summary>
    /// Once the inbox is empty and only if a reader found the last status stale: taking it costs a snapshot of
    /// every class, which a busy engine nobody asks need not pay.
    /// </summary>
    private void PublishStatusIfWanted()
    {
        if (Volatile.Read(ref _statusWanted) == 0 || Interlocked.Read(ref _posted) != _handled)
        {
            return;
        }

        Volatile.Write(ref _statusWanted, 0);
        try
        {
            Volatile.Write(ref _published, PublishedStatus.Take(_handled, _core.Classes, Volatile.Read(ref _published)));
        }
#pragma warning disable CA1031 // Status is best effort here; the engine thread answers it the slow way.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EngineLog.MessageFailed(_logger, ex);
        }
    }

    private void Run()
    {
        var reader = _inbox.Reader;
        try
        {
            while (true)
            {
                var handled = 0;
                while (reader.TryRead(out var work))
                {
                    _handling = true;
                    try
                    {
                        work();
                        _core.Poll();

                        // Batched: a burst is recorded once it is over, or every so many messages if it goes on.
                        if (++handled % MessagesPerStateRecord == 0)
                        {
                            RecordStateIfChanged();
                        }
                    }
#pragma warning disable CA1031 // One bad message must not stop supervision of every other job.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        EngineLog.MessageFailed(_logger, ex);
                    }
                    finally
                    {
                        _handling = false;
                    }

                    _handled++;
                    CompleteReplies();
                }

                RecordStateIfChanged();
                PublishStatusIfWanted();
                var more = reader.WaitToReadAsync();
                if (!(more.IsCompleted ? more.Result : more.AsTask().GetAwaiter().GetResult()))
                {
                    break;
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}
