using Upstart.JobFiles.Model;

namespace UpstartHost.Processes;

/// <summary>
/// A spawned process's life as data, in the manner of s6-supervise's actions[state][event] table: one
/// pure function of (phase, event), plus the `expect` stanza, which decides where an exec leads. Null
/// means the event changes nothing in that phase (for instance a helper stopped before its exec is not
/// `expect stop` readiness, and a failed helper's own exit is not the job's); the caller then does nothing.
/// </summary>
internal static class TrackedTransitions
{
    public static TrackedPhase? Next(TrackedPhase phase, TrackedEvent e, ExpectMode expect) => (phase, e) switch
    {
        (TrackedPhase.Spawning, TrackedEvent.ExecSucceeded) => AfterExec(expect),
        (TrackedPhase.Spawning, TrackedEvent.ExecFailed) => TrackedPhase.SpawnFailed,

        // init(5): expect stop waits for the job's program to raise SIGSTOP.
        (TrackedPhase.AwaitingStop, TrackedEvent.Stopped) => TrackedPhase.Running,
        (TrackedPhase.AwaitingStop, TrackedEvent.Exited) => TrackedPhase.Exited,

        // expect daemon: the first fork's child is followed until it forks in turn.
        (TrackedPhase.FollowingFork, TrackedEvent.IntermediateFound) => TrackedPhase.FollowingFork,
        (TrackedPhase.FollowingFork, TrackedEvent.DaemonFound) => TrackedPhase.Running,
        (TrackedPhase.FollowingFork, TrackedEvent.Exited) => TrackedPhase.Exited,

        (TrackedPhase.Running, TrackedEvent.Exited) => TrackedPhase.Exited,
        _ => null,
    };

    private static TrackedPhase AfterExec(ExpectMode expect) => expect switch
    {
        ExpectMode.Stop => TrackedPhase.AwaitingStop,
        ExpectMode.Fork or ExpectMode.Daemon => TrackedPhase.FollowingFork,
        _ => TrackedPhase.Running,
    };
}
