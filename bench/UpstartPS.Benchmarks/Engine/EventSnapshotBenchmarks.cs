using BenchmarkDotNet.Attributes;
using UpstartHost.Engine;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// What the events not yet finished cost the runtime state per burst (<see cref="EngineCore.SnapshotEvents"/>, with
/// every write since events survive a crash): the worst case is one event held by N services it is starting (each
/// a Job hold until it runs), whose record is made again whenever one of them moves; an event whose holds did not
/// move hands over its last record.
/// </summary>
[MemoryDiagnoser]
public class EventSnapshotBenchmarks
{
    private EngineCore _core = null!;
    private EngineEvent _held = null!;

    [Params(1_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _core = new RunningFleet(Services, new EngineOptions { AppArmorAvailable = false }, confirmSpawns: false).Core;
        _held = _core.LiveEvents.Single();
        if (_core.SnapshotEvents().Single().Holds.Count != Services)
        {
            throw new InvalidOperationException("the event is not held by every service");
        }
    }

    /// <summary>One hold taken and let go (a service moved): the event's record is made again, N holds.</summary>
    [Benchmark]
    public int SnapshotAfterTheEventMoved()
    {
        _held.Block();
        _held.Unblock();
        return _core.SnapshotEvents().Count;
    }

    /// <summary>Nothing moved: the last record is handed over.</summary>
    [Benchmark]
    public int SnapshotAtRest() => _core.SnapshotEvents().Count;
}
