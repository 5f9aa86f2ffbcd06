namespace UpstartHost.Engine;

/// <summary>
/// await (docs/protocol.md, "Requests and streams across a re-exec"): a start, stop or restart that waited was done by
/// the previous program, which re-executed before the job got where the request waits for. The request's client sends
/// the same job and variables again, as an await, and is answered as the request would have been, from here.
/// </summary>
internal sealed partial class EngineCore
{
    private readonly HandedOverAnswers<HandedOverRequest> _handedOverRequests = new();

    /// <summary>
    /// The start, stop and restart requests still waiting on each instance (engine thread, for a re-exec): their
    /// clients will send `await` to the next program, which waits in their place (<see cref="RestoreRequestWaits"/>).
    /// </summary>
    public IReadOnlyList<RequestWaitRecord> SnapshotRequestWaits()
    {
        List<RequestWaitRecord>? records = null;
        foreach (var jobClass in _registry.All)
        {
            foreach (var instance in jobClass.Instances.Values)
            {
                if (instance.Destroyed || instance.Blocking.Count == 0)
                {
                    continue;
                }

                foreach (var kind in RequestKinds)
                {
                    var count = instance.Blocking.Count(b => b.Request is { Task.IsCompleted: false } && b.Kind == kind);
                    if (count > 0)
                    {
                        (records ??= []).Add(new RequestWaitRecord(jobClass.Name, instance.Name, kind, count));
                    }
                }
            }
        }

        return records ?? [];
    }

    private static readonly RequestKind[] RequestKinds = Enum.GetValues<RequestKind>();

    /// <summary>
    /// The next program waits, on each instance that came back, for what the requests handed over waited for, as
    /// they would have (the same Blocked entry), and keeps the outcome for their `await`s: exact even when the
    /// instance fails or ends before the client has come back.
    /// </summary>
    private void RestoreRequestWaits(IReadOnlyList<RequestWaitRecord> records)
    {
        foreach (var record in records)
        {
            if (record.Count <= 0 || !_registry.TryGet(record.Job, out var jobClass)
                || !jobClass.Instances.TryGetValue(record.Instance, out var instance) || instance.Destroyed)
            {
                continue;
            }

            var request = NewRequest();

            // No await may come (the client gave up): its failure must not surface as an unobserved exception.
            _ = request.Task.ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            instance.Blocking.Add(Blocked.ForRequest(record.Kind, request));
            _handedOverRequests.Add(new HandedOverRequest(record.Job, record.Instance, record.Kind, request), record.Count, _clock.Monotonic);
        }
    }

    /// <summary>The handed-over wait an await of <paramref name="kind"/> on this instance takes, if one is left.</summary>
    private Task<JobSnapshot>? TakeHandedOverRequest(RequestKind kind, string job, string instance) =>
        _handedOverRequests.Take(_clock.Monotonic, w => w.Kind == kind && w.Job == job && w.Instance == instance)?.Request.Task;

    /// <summary>
    /// Takes the wait the previous program handed over for this request (exact: it was on the instance from the
    /// moment the next program took it back). Without one (an older program), waits on the instance
    /// <paramref name="job"/> and <paramref name="environment"/> name as the request did (a
    /// <see cref="Blocked"/> entry, released as the request's would be), or answers at once: an instance at rest
    /// (a service running, anything waiting) with its state; one that is gone with the job's state, or "Job failed to
    /// start" for a start or restart of a service whose job recorded a failure (it went because it failed).
    /// </summary>
    public Task<JobSnapshot> Await(RequestKind kind, string job, IReadOnlyList<string> environment, CancellationToken cancellationToken = default)
    {
        if (!TryResolve(job, environment, out var jobClass, out _, out var name, out var refusal))
        {
            return refusal;
        }

        if (TakeHandedOverRequest(kind, jobClass.Name, name) is { } handedOver)
        {
            return handedOver;
        }

        if (!jobClass.Instances.TryGetValue(name, out var instance) || instance.Destroyed)
        {
            var gone = kind != RequestKind.Stop && !jobClass.Config.Task && jobClass.LastFailure is not null;
            return gone
                ? Refuse(EngineError.JobFailedToStart, kind == RequestKind.Restart ? "Job failed to restart" : "Job failed to start")
                : Task.FromResult(JobSnapshots.OfClass(jobClass));
        }

        var atRest = instance.Goal == JobGoal.Stop
            ? instance.State == JobState.Waiting
            : instance.State == JobState.Running && !instance.Config.Task;
        if (atRest)
        {
            return Task.FromResult(JobSnapshots.Of(instance));
        }

        var request = NewRequest();
        var blocked = Blocked.ForRequest(kind, request);
        instance.Blocking.Add(blocked);
        if (cancellationToken.CanBeCanceled)
        {
            // Anyone who may connect may await (it changes nothing): a client that goes away takes its wait with it, or
            // awaits sent and dropped over and over would pile up on an instance that is slow to get there (a long task).
            var registration = cancellationToken.Register(() => _post(() => Abandon(instance, blocked)));
            _ = request.Task.ContinueWith(
                static (_, r) => ((CancellationTokenRegistration)r!).Dispose(),
                registration,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return request.Task;
    }

    /// <summary>Forgets an await whose client cancelled it or went away (engine thread), unless it was answered already.</summary>
    private static void Abandon(JobInstance instance, Blocked blocked)
    {
        if (instance.Blocking.Remove(blocked))
        {
            blocked.Request!.TrySetCanceled();
        }
    }

    /// <summary>A request handed over by a re-exec: which instance it waited on, and the wait put in its place.</summary>
    private sealed record HandedOverRequest(string Job, string Instance, RequestKind Kind, TaskCompletionSource<JobSnapshot> Request);
}
