namespace UpstartHost.Engine;

/// <summary>
/// await (docs/protocol.md, "Requests and streams across a re-exec"): a start, stop or restart that waited was done by
/// the previous program, which re-executed before the job got where the request waits for. The request's client sends
/// the same job and variables again, as an await, and is answered as the request would have been, from here.
/// </summary>
internal sealed partial class EngineCore
{
    /// <summary>
    /// Waits on the instance <paramref name="job"/> and <paramref name="environment"/> name as the request did (a
    /// <see cref="Blocked"/> entry, released as the request's would be), or answers at once: an instance at rest
    /// (a service running, anything waiting) with its state; one that is gone with the job's state, or "Job failed to
    /// start" for a start or restart of a service whose job recorded a failure (it went because it failed).
    /// </summary>
    public Task<JobSnapshot> Await(RequestKind kind, string job, IReadOnlyList<string> environment)
    {
        if (!TryResolve(job, environment, out var jobClass, out _, out var name, out var refusal))
        {
            return refusal;
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
        instance.Blocking.Add(Blocked.ForRequest(kind, request));
        return request.Task;
    }
}
