namespace UpstartHost.Engine;

/// <summary>
/// Where one of a job's processes stands, as the engine sees it. Upstart 1.13 spawns asynchronously and
/// waits in its "-ing" states for the child's exec; these phases are that wait, per pid.
/// </summary>
internal enum ProcessPhase
{
    /// <summary>Spawned; the process layer has not yet confirmed the exec (ProcessSpawned or ProcessSpawnFailed).</summary>
    Spawning,

    /// <summary>Its exit came before the confirmation; the exit is held and handled once the spawn is confirmed.</summary>
    ExitedBeforeConfirmation,

    /// <summary>The exec is confirmed (or the pid was adopted by expect fork|daemon); its exit is handled as it comes.</summary>
    Confirmed,
}
