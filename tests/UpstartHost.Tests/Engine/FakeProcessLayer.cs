using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>A process layer that spawns nothing: it hands out PIDs and records every request and signal.</summary>
internal sealed class FakeProcessLayer : IProcessLayer
{
    private int _nextPid = 1000;

    public List<SpawnRequest> Spawns { get; } = [];

    public List<(int Pid, int Signal, bool Group)> Signals { get; } = [];

    /// <summary>Kinds whose spawn fails (missing binary, unknown user…).</summary>
    public HashSet<ProcessKind> FailingKinds { get; } = [];

    public SpawnResult Spawn(SpawnRequest request)
    {
        Spawns.Add(request);
        return FailingKinds.Contains(request.Kind)
            ? SpawnResult.Failed("No such file or directory")
            : SpawnResult.Ok(++_nextPid);
    }

    public void SignalGroup(int pid, int signal) => Signals.Add((pid, signal, true));

    public void Signal(int pid, int signal) => Signals.Add((pid, signal, false));

    public SpawnRequest LastSpawn(ProcessKind kind) => Spawns.Last(s => s.Kind == kind);
}
