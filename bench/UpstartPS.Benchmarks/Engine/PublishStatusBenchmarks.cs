using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;
using UpstartPS.TestSupport.Engine;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// What the engine thread pays to publish the status readers take without a hop to it
/// (<see cref="PublishedStatus"/>), with N services running: after one of them respawned (the usual case:
/// one thing moved since the last publish), and with nothing moved at all.
/// </summary>
[MemoryDiagnoser]
public class PublishStatusBenchmarks
{
    private EngineCore _core = null!;
    private PidOnlyProcessLayer _processes = null!;
    private PublishedStatus _published = null!;
    private int _pid;
    private long _sequence;

    [Params(1_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var processes = _processes = new PidOnlyProcessLayer();
        _core = new EngineHarness(
            new EngineOptions { AppArmorAvailable = false },
            processes,
            new SystemEngineClock(),
            NullLogger.Instance,
            recording: false).Core;
        var main = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty.Add(ProcessKind.Main, new ProcessDefinition(false, "sleep 1000"));
        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        for (var i = 0; i < Services; i++)
        {
            jobs["svc" + i] = new JobClassConfig
            {
                Name = "svc" + i,
                Description = "service " + i,
                StartOn = new EventMatch("up", []),
                StopOn = new EventMatch("down", []),
                Processes = main,
                Respawn = true,
                RespawnLimit = new RespawnLimit(0, 0),
            };
        }

        _core.ApplyCatalog(new JobCatalog(jobs.ToImmutable(), []));
        _core.Emit("up", []);
        _core.Poll();
        foreach (var pid in processes.Spawned)
        {
            _core.OnProcessNotice(new ProcessSpawned(pid));
        }

        _core.Poll();
        _pid = processes.Spawned[^1];
        _published = PublishedStatus.Take(++_sequence, _core.Classes, _published);
    }

    /// <summary>The last service's main process dies and is respawned, then the status is published again.</summary>
    [Benchmark]
    public int AfterOneRespawn()
    {
        Respawn();
        _published = PublishedStatus.Take(++_sequence, _core.Classes, _published);
        return _published.Status("svc0", null).Count;
    }

    [Benchmark]
    public int NothingMoved()
    {
        _published = PublishedStatus.Take(++_sequence, _core.Classes, _published);
        return _published.Status("svc0", null).Count;
    }

    /// <summary>Only the respawn, to subtract from <see cref="AfterOneRespawn"/>.</summary>
    [Benchmark]
    public int OneRespawnAlone()
    {
        Respawn();
        return _core.InstanceCount;
    }

    private void Respawn()
    {
        _core.OnProcessNotice(new ProcessExited(_pid, 9, true));
        _core.Poll();
        _pid = _processes.Spawned[^1];
        _processes.Spawned.Clear();
        _core.OnProcessNotice(new ProcessSpawned(_pid));
        _core.Poll();
    }

    private sealed class PidOnlyProcessLayer : IProcessLayer
    {
        private int _next = 1000;

        public List<int> Spawned { get; } = [];

        public SpawnResult Spawn(SpawnRequest request)
        {
            Spawned.Add(++_next);
            return SpawnResult.Ok(_next);
        }

        public void SignalGroup(int pid, int signal)
        {
        }

        public void Signal(int pid, int signal)
        {
        }
    }
}
