namespace UpstartHost.Processes;

/// <summary>Where one spawned process stands in the process layer (<see cref="TrackedTransitions"/> moves it).</summary>
internal enum TrackedPhase
{
    /// <summary>The exec helper is setting up; its close-on-exec error pipe is still open.</summary>
    Spawning,

    /// <summary>Exec'd with `expect stop`: waiting for the job's program to raise SIGSTOP.</summary>
    AwaitingStop,

    /// <summary>Exec'd with `expect fork|daemon`: following the chain of forks to the daemon.</summary>
    FollowingFork,

    /// <summary>Exec'd and ready: its exit is reported under the main pid (the daemon's, after expect fork|daemon).</summary>
    Running,

    /// <summary>The helper failed before exec (ProcessSpawnFailed); its own exit is not the job's and is never reported.</summary>
    SpawnFailed,

    /// <summary>Its exit was reported (ProcessExited); nothing more is said about it.</summary>
    Exited,
}

/// <summary>What the process layer learns about a spawned process.</summary>
internal enum TrackedEvent
{
    /// <summary>The error pipe reached EOF: the helper exec'd the job's program.</summary>
    ExecSucceeded,

    /// <summary>The helper wrote a failure record.</summary>
    ExecFailed,

    /// <summary>The spawned process stopped on SIGSTOP.</summary>
    Stopped,

    /// <summary>Following a fork chain: the process followed exited 0 leaving an intermediate to follow.</summary>
    IntermediateFound,

    /// <summary>Following a fork chain: the process followed exited 0 leaving the daemon.</summary>
    DaemonFound,

    /// <summary>The process ended, for good (an exit, a signal, or a fork chain that left nothing behind).</summary>
    Exited,
}
