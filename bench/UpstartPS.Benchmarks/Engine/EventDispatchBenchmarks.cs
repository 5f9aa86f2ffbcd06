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
/// One event dispatched with N job classes loaded of which 10 name it (issue 3: the cost must stay flat in
/// the classes that do not). The 10 subscribers are `start on ping` / `stop on ping` state jobs, so every
/// dispatch restarts all ten (stopping, starting, started events included) and the engine returns to the
/// same state; the others each wait on an event of their own.
/// </summary>
[MemoryDiagnoser]
public class EventDispatchBenchmarks
{
    private EngineCore _core = null!;

    [Params(1_000, 10_000)]
    public int Loaded { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _core = new EngineHarness(
            new EngineOptions { AppArmorAvailable = false, EmitProcessEvents = true },
            new NullProcessLayer(),
            new SystemEngineClock(),
            NullLogger.Instance,
            recording: false).Core;
        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        for (var i = 0; i < Loaded; i++)
        {
            var name = "job" + i;
            var subscribes = i % (Loaded / 10) == 0;
            jobs[name] = new JobClassConfig
            {
                Name = name,
                StartOn = new EventMatch(subscribes ? "ping" : "other-" + i, []),
                StopOn = subscribes ? new EventMatch("ping", []) : new EventMatch("never-" + i, []),
            };
        }

        _core.ApplyCatalog(new JobCatalog(jobs.ToImmutable(), []));
        Dispatch();
    }

    [Benchmark]
    public void Dispatch()
    {
        _core.Emit("ping", []);
        _core.Poll();
    }

    [Benchmark]
    public void DispatchUnsubscribed()
    {
        _core.Emit("nobody-listens", []);
        _core.Poll();
    }

    private sealed class NullProcessLayer : IProcessLayer
    {
        private int _pid = 1000;

        public SpawnResult Spawn(SpawnRequest request) => SpawnResult.Ok(++_pid);

        public int SignalGroup(int pid, int signal) => 0;

        public int Signal(int pid, int signal) => 0;
    }
}
