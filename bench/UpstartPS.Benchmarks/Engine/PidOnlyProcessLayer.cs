using UpstartHost.Processes;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>A process layer that starts nothing: each spawn gets the next pid, kept in <see cref="Spawned"/> until taken.</summary>
internal sealed class PidOnlyProcessLayer : IProcessLayer
{
    private int _next = 1000;

    public List<int> Spawned { get; } = [];

    public SpawnResult Spawn(SpawnRequest request)
    {
        Spawned.Add(++_next);
        return SpawnResult.Ok(_next);
    }

    public int SignalGroup(int pid, int signal) => 0;

    public int Signal(int pid, int signal) => 0;
}
