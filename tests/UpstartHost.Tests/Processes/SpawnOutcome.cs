using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// A spawn followed to its outcome: the error of a synchronous refusal (no pid), or of the helper's
/// ProcessSpawnFailed (with the pid it had), or none once ProcessSpawned arrived.
/// </summary>
public sealed record SpawnOutcome(int Pid, string? Error)
{
    public bool Succeeded => Error is null;

    public static async Task<SpawnOutcome> Of(ProcessLayer layer, NoticeRecorder notices, SpawnRequest request)
    {
        var result = layer.Spawn(request);
        if (!result.Succeeded)
        {
            return new SpawnOutcome(0, result.Error);
        }

        return await notices.WaitForOutcome(result.Pid) switch
        {
            ProcessSpawnFailed failed => new SpawnOutcome(result.Pid, failed.Error),
            _ => new SpawnOutcome(result.Pid, null),
        };
    }
}
