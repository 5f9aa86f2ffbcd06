using BenchmarkDotNet.Attributes;
using UpstartHost.Engine;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// What the engine thread pays to publish the status readers take without a hop to it
/// (<see cref="PublishedStatus"/>), with N services running: after one of them respawned (the usual case:
/// one thing moved since the last publish), and with nothing moved at all.
/// </summary>
[MemoryDiagnoser]
public class PublishStatusBenchmarks
{
    private RunningFleet _fleet = null!;
    private PublishedStatus _published = null!;
    private long _sequence;

    [Params(1_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fleet = new RunningFleet(Services, new EngineOptions { AppArmorAvailable = false });
        _published = PublishedStatus.Take(++_sequence, _fleet.Core.Classes, null);
    }

    [Benchmark]
    public int AfterOneRespawn()
    {
        _fleet.RespawnLast();
        _published = PublishedStatus.Take(++_sequence, _fleet.Core.Classes, _published);
        return _published.Status("svc0", null).Count;
    }

    [Benchmark]
    public int NothingMoved()
    {
        _published = PublishedStatus.Take(++_sequence, _fleet.Core.Classes, _published);
        return _published.Status("svc0", null).Count;
    }

    /// <summary>Only the respawn, to subtract from <see cref="AfterOneRespawn"/>.</summary>
    [Benchmark]
    public int OneRespawnAlone()
    {
        _fleet.RespawnLast();
        return _fleet.Core.InstanceCount;
    }
}
