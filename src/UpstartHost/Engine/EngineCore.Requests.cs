using Upstart.JobFiles.Events;
using Upstart.JobFiles.Events.Matching;
using Upstart.JobFiles.Loading;
using UpstartHost.Logging;

namespace UpstartHost.Engine;

/// <summary>
/// Control requests (initctl start/stop/restart/reload/emit, UPSTART.md §d). Errors carry initctl's text.
/// A request that waits completes when the instance reaches its goal (DESIGN.md decision 6).
/// </summary>
internal sealed partial class EngineCore
{
    public Task<JobSnapshot> Start(string job, IReadOnlyList<string> environment, bool wait)
    {
        if (_shutdown.Begun)
        {
            return Refuse(EngineError.ShuttingDown, "The daemon is shutting down");
        }

        if (!TryResolve(job, environment, out var jobClass, out var env, out var name, out var refusal))
        {
            return refusal;
        }

        var instance = jobClass.Instances.GetValueOrDefault(name);
        if (instance is not null && instance.Goal == JobGoal.Start)
        {
            return Refuse(EngineError.AlreadyRunning, "Job is already running: " + instance.DisplayName);
        }

        instance ??= GetOrCreateInstance(jobClass, name);
        instance.StartEnvironment = env.ToList();
        var superseded = TakeBlocking(instance);
        var request = NewRequest();
        if (wait)
        {
            instance.Blocking.Add(Blocked.ForRequest(RequestKind.Start, request));
        }

        ChangeGoal(instance, JobGoal.Start);
        Release(instance, superseded, failed: false);
        if (!wait)
        {
            request.TrySetResult(JobSnapshots.Of(instance));
        }

        return request.Task;
    }

    public Task<JobSnapshot> Stop(string job, IReadOnlyList<string> environment, bool wait)
    {
        if (!TryFindInstance(job, environment, out var instance, out var refusal))
        {
            return refusal;
        }

        if (instance.Goal == JobGoal.Stop)
        {
            return Refuse(EngineError.AlreadyStopped, "Job has already been stopped: " + instance.DisplayName);
        }

        return RequestStop(instance, environment, wait);
    }

    /// <summary>
    /// Stops every instance of <paramref name="job"/> whose goal is start (`disable --now`); with wait,
    /// completes when each has stopped. The result is those instances; with none to stop, the job as status
    /// shows it (stopping nothing is not an error here: the point is that nothing runs).
    /// </summary>
    public Task<IReadOnlyList<JobSnapshot>> StopInstances(string job, bool wait)
    {
        if (job is null || !_registry.TryGet(job, out var jobClass))
        {
            return Task.FromException<IReadOnlyList<JobSnapshot>>(new EngineException(EngineError.UnknownJob, "Unknown job: " + job));
        }

        var stops = new List<Task<JobSnapshot>>();
        foreach (var instance in jobClass.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal).ToArray())
        {
            if (instance.Goal != JobGoal.Stop && !instance.Destroyed)
            {
                stops.Add(RequestStop(instance, [], wait));
            }
        }

        return stops.Count == 0
            ? Task.FromResult<IReadOnlyList<JobSnapshot>>(ClassStatus(jobClass, null))
            : AllStopped(stops);
    }

    private static async Task<IReadOnlyList<JobSnapshot>> AllStopped(List<Task<JobSnapshot>> stops) =>
        await Task.WhenAll(stops).ConfigureAwait(false);

    private Task<JobSnapshot> RequestStop(JobInstance instance, IReadOnlyList<string> environment, bool wait)
    {
        // initctl stop K=V: the variables reach pre-stop and post-stop like a stop event's.
        instance.StopEnvironment = [.. environment];
        var superseded = TakeBlocking(instance);
        var request = NewRequest();
        if (wait)
        {
            instance.Blocking.Add(Blocked.ForRequest(RequestKind.Stop, request));
        }

        ChangeGoal(instance, JobGoal.Stop);
        Release(instance, superseded, failed: false);
        if (!wait)
        {
            request.TrySetResult(JobSnapshots.Of(instance));
        }

        return request.Task;
    }

    /// <summary>
    /// Stop then start of an existing instance, which keeps its definition and environment; behind the
    /// job's pre-restart check when it has one and is running (EngineCore.Checks).
    /// </summary>
    public Task<JobSnapshot> Restart(string job, IReadOnlyList<string> environment, bool wait)
    {
        if (!TryFindInstance(job, environment, out var instance, out var refusal))
        {
            return refusal;
        }

        if (instance.Goal == JobGoal.Stop)
        {
            return Refuse(EngineError.AlreadyStopped, "Job has already been stopped: " + instance.DisplayName);
        }

        if (NeedsCheck(instance))
        {
            return RunCheck(instance, CheckedRequest.Restart, wait);
        }

        var request = NewRequest();
        BeginRestart(instance, request, wait);
        return request.Task;
    }

    private void BeginRestart(JobInstance instance, TaskCompletionSource<JobSnapshot> request, bool wait)
    {
        Finished(instance, failed: false);
        if (wait)
        {
            instance.Blocking.Add(Blocked.ForRequest(RequestKind.Restart, request));
        }

        if (instance.Backoff.IsWaiting)
        {
            // Beyond Upstart: a respawn waiting for its back-off is what the restart asks for, only now.
            RespawnNow(instance);
        }
        else
        {
            ChangeGoal(instance, JobGoal.Stop);
            ChangeGoal(instance, JobGoal.Start);
        }
        if (!wait)
        {
            request.TrySetResult(JobSnapshots.Of(instance));
        }
    }

    /// <summary>The reload signal (default HUP) to the main PID only; behind the pre-restart check, if any.</summary>
    public Task<JobSnapshot> Reload(string job, IReadOnlyList<string> environment)
    {
        if (!TryFindInstance(job, environment, out var instance, out var refusal))
        {
            return refusal;
        }

        if (NeedsCheck(instance))
        {
            return RunCheck(instance, CheckedRequest.Reload, wait: false);
        }

        return Reload(instance);
    }

    private Task<JobSnapshot> Reload(JobInstance instance)
    {
        if (!instance.MainAlive)
        {
            return Refuse(EngineError.JobNotRunning, "Job is not running: " + instance.DisplayName);
        }

        var pid = instance.Pid(Upstart.JobFiles.Model.ProcessKind.Main);
        WarnIfNotSent(_processes.Signal(pid, instance.Config.ReloadSignal), instance, pid, instance.Config.ReloadSignal);
        return Task.FromResult(JobSnapshots.Of(instance));
    }

    /// <summary>initctl emit: queues the event; with wait, completes when it has finished.</summary>
    public Task EmitRequest(string name, IReadOnlyList<string> environment, bool wait)
    {
        var e = Emit(name, [.. environment]);
        if (!wait)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        e.AddWaiter(waiter);
        return waiter.Task;
    }

    /// <summary>
    /// Stops every instance (pre-stop, kill timeout, post-stop as usual); nothing new starts afterwards. So the
    /// events that partly matched `start on` conditions are let go: held, they would keep the jobs they are about
    /// (`starting svc` in `start on starting svc and foo`) from ever moving on, and the daemon from stopping.
    /// From now on no event is held by a `start on` or a `stop on` (HandleStartOn, HandleStopOn); what a `stop
    /// on` held before is let go when its instance stops, as every instance now does.
    /// </summary>
    public Task StopAll()
    {
        var done = _shutdown.Begin();
        foreach (var jobClass in _registry.All)
        {
            if (jobClass.StartCondition is { } start)
            {
                EventHolds.Reset(start);
            }
        }

        foreach (var jobClass in _registry.All.ToArray())
        {
            foreach (var instance in jobClass.Instances.Values.ToArray())
            {
                if (instance.Goal != JobGoal.Stop && !instance.Destroyed)
                {
                    Finished(instance, failed: false);
                    ChangeGoal(instance, JobGoal.Stop);
                }
            }
        }

        CompleteShutdownIfDone();
        return done;
    }

    private void CompleteShutdownIfDone()
    {
        if (_shutdown.Awaited && InstanceCount == 0)
        {
            _shutdown.Complete();
        }
    }

    private static TaskCompletionSource<JobSnapshot> NewRequest() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static Task<JobSnapshot> Refuse(EngineError error, string message) =>
        Task.FromException<JobSnapshot>(new EngineException(error, message));

    /// <summary>
    /// The class and the instance name a request means: the instance pattern expanded against the global
    /// table, the `env` defaults and the request's KEY=VALUE pairs (UPSTART.md §b.4).
    /// </summary>
    private bool TryResolve(
        string job,
        IReadOnlyList<string> environment,
        out JobClass jobClass,
        out EnvironmentBuilder env,
        out string name,
        out Task<JobSnapshot> refusal)
    {
        env = new EnvironmentBuilder();
        name = "";
        refusal = null!; // set on every false return
        if (job is null || !_registry.TryGet(job, out jobClass))
        {
            jobClass = null!;
            refusal = Refuse(EngineError.UnknownJob, "Unknown job: " + job);
            return false;
        }

        env = JobEnvironment.ForClass(_options, GlobalEnvironment, jobClass.Config);
        foreach (var e in environment)
        {
            env.SetEntry(e);
        }

        if (!VariableExpansion.TryExpand(jobClass.Config.Instance, env.ToDictionary(), out var expanded, out var error))
        {
            if (jobClass.Config.Usage is { } usage)
            {
                error += "\nUsage: " + usage;
            }

            refusal = Refuse(EngineError.UnknownParameter, error);
            return false;
        }

        if ((JobName.InstanceProblem(expanded) ?? LogFileName.TooLong(jobClass.Config.Name, expanded)) is { } problem)
        {
            refusal = Refuse(EngineError.BadInstanceName, problem);
            return false;
        }

        name = expanded;
        return true;
    }

    private bool TryFindInstance(string job, IReadOnlyList<string> environment, out JobInstance instance, out Task<JobSnapshot> refusal)
    {
        instance = null!;
        if (!TryResolve(job, environment, out var jobClass, out _, out var name, out refusal))
        {
            return false;
        }

        if (!jobClass.Instances.TryGetValue(name, out instance!) || instance.Destroyed)
        {
            refusal = Refuse(EngineError.UnknownInstance, "Unknown instance: " + name);
            return false;
        }

        return true;
    }
}
