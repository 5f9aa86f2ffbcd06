using BenchmarkDotNet.Attributes;
using UpstartHost.Engine;
using UpstartHost.State;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// What one burst of transitions costs the runtime state with N services running, after one service's
/// respawn: the engine thread's snapshot (<see cref="EngineCore.SnapshotInstances"/>) and the state writer's
/// bytes (<see cref="RuntimeStateSerializer"/>), each instance with an environment the size of a session
/// daemon's (about 2 KB), or a system daemon's (PATH, TERM and Upstart's own variables).
/// </summary>
[MemoryDiagnoser]
public class StateSnapshotBenchmarks
{
    private RunningFleet _fleet = null!;
    private RuntimeStateSerializer _serializer = null!;

    [Params(1_000)]
    public int Services { get; set; }

    [Params(false, true)]
    public bool SessionEnvironment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var baseEnvironment = new List<string> { "PATH=" + EngineOptions.DefaultPath, "TERM=linux" };
        if (SessionEnvironment)
        {
            for (var i = 0; i < 40; i++)
            {
                baseEnvironment.Add($"SESSION_VARIABLE_{i:D2}=/a/value/of/about/forty/characters/{i:D2}");
            }
        }

        _fleet = new RunningFleet(Services, new EngineOptions { AppArmorAvailable = false, BaseEnvironment = baseEnvironment });
        _serializer = new RuntimeStateSerializer();
        _ = _serializer.Serialize(_fleet.Core.SnapshotInstances(), DateTimeOffset.UnixEpoch);
    }

    /// <summary>One respawn, then the engine's snapshot and the writer's bytes, as a burst pays them.</summary>
    [Benchmark]
    public int SnapshotAndSerializeAfterOneRespawn()
    {
        _fleet.RespawnLast();
        return _serializer.Serialize(_fleet.Core.SnapshotInstances(), DateTimeOffset.UnixEpoch).Length;
    }

    /// <summary>One respawn, then the engine's snapshot alone.</summary>
    [Benchmark]
    public int SnapshotAfterOneRespawn()
    {
        _fleet.RespawnLast();
        return _fleet.Core.SnapshotInstances().Count;
    }
}
