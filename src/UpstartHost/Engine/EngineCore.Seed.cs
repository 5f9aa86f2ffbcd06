using Upstart.JobFiles.Model;

namespace UpstartHost.Engine;

/// <summary>
/// Places an instance directly in a given goal and state, as if it had got there on its own. Used by
/// tests and the conformance runner (a `states/` case begins from any GOAL/STATE); never by the daemon.
/// </summary>
internal sealed partial class EngineCore
{
    internal JobInstance Seed(string job, string instanceName, JobGoal goal, JobState state, IEnumerable<(ProcessKind Kind, int Pid)> running)
    {
        if (!_registry.TryGet(job, out var jobClass))
        {
            throw new KeyNotFoundException("no job class " + job);
        }

        var instance = GetOrCreateInstance(jobClass, instanceName);
        instance.Environment = JobEnvironment.ForClass(_options, GlobalEnvironment, jobClass.Config).ToList();
        instance.Goal = goal;
        instance.State = state;
        instance.Since = _clock.UtcNow;
        foreach (var (kind, pid) in running)
        {
            _processTable.AddConfirmed(instance, kind, pid);
        }

        if (state is JobState.Starting or JobState.Stopping)
        {
            // The starting/stopping event is still being handled: something else holds it.
            var blocker = new EngineEvent(state == JobState.Starting ? JobEvents.Starting : JobEvents.Stopping, [])
            {
                Progress = EventProgress.Handling,
                BlockedJob = instance,
            };
            blocker.Block();
            instance.Blocker = blocker;
        }

        return instance;
    }
}
