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
/// The engine's own share of "1,000 services started by one event": 1,000 services whose spawns cost
/// nothing (a process layer that only hands out PIDs), started by `up` and, with their main processes
/// reaped at once, stopped by `down`. The e2e `engine` harness measures the same with real processes.
/// </summary>
[MemoryDiagnoser]
public class FleetBenchmarks
{
    private EngineCore _core = null!;
    private InstantProcessLayer _processes = null!;

    [Params(1_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _processes = new InstantProcessLayer();
        _core = new EngineHarness(
            new EngineOptions { AppArmorAvailable = false },
            _processes,
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
                StartOn = new EventMatch("up", []),
                StopOn = new EventMatch("down", []),
                Processes = main,
            };
        }

        _core.ApplyCatalog(new JobCatalog(jobs.ToImmutable(), []));
    }

    [Benchmark]
    public int StartThenStopAll()
    {
        _core.Emit("up", []);
        _core.Poll();

        // Every exec confirmed at once (ProcessSpawned), as the real layer posts it after Spawn returns.
        foreach (var pid in _processes.TakeSpawned())
        {
            _core.OnProcessNotice(new ProcessSpawned(pid));
        }

        _core.Poll();
        _core.Emit("down", []);
        _core.Poll();
        foreach (var pid in _processes.TakeSignalled())
        {
            _core.OnProcessNotice(new ProcessExited(pid, 15 << 8, true));
        }

        _core.Poll();
        return _core.InstanceCount;
    }

    private sealed class InstantProcessLayer : IProcessLayer
    {
        private readonly List<int> _signalled = [];
        private readonly List<int> _spawned = [];
        private int _pid = 1000;

        public SpawnResult Spawn(SpawnRequest request)
        {
            _spawned.Add(++_pid);
            return SpawnResult.Ok(_pid);
        }

        public List<int> TakeSpawned()
        {
            var taken = _spawned.ToList();
            _spawned.Clear();
            return taken;
        }

        public int SignalGroup(int pid, int signal)
        {
            _signalled.Add(pid);
            return 0;
        }

        public int Signal(int pid, int signal) => 0;

        public List<int> TakeSignalled()
        {
            var taken = _signalled.ToList();
            _signalled.Clear();
            return taken;
        }
    }
}
