using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;
using UpstartPS.TestSupport.Engine;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// N services `svc0…` (respawn, no limit) started by one event and all running, in an engine core whose
/// process layer starts nothing: what the engine-side benchmarks measure a change against. Without
/// <c>confirmSpawns</c> no exec is confirmed: every service stays in spawned, still holding the event that started it.
/// </summary>
internal sealed class RunningFleet
{
    private readonly PidOnlyProcessLayer _processes = new();

    public RunningFleet(int services, EngineOptions options, bool confirmSpawns = true)
    {
        Core = new EngineHarness(options, _processes, new SystemEngineClock(), NullLogger.Instance, recording: false).Core;
        var main = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty.Add(ProcessKind.Main, new ProcessDefinition(false, "sleep 1000"));
        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        for (var i = 0; i < services; i++)
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

        Core.ApplyCatalog(new JobCatalog(jobs.ToImmutable(), []));
        Core.Emit("up", []);
        Core.Poll();
        if (!confirmSpawns)
        {
            return;
        }

        foreach (var pid in _processes.Spawned)
        {
            Core.OnProcessNotice(new ProcessSpawned(pid));
        }

        Core.Poll();
        LastPid = _processes.Spawned[^1];
        _processes.Spawned.Clear();
    }

    public EngineCore Core { get; }

    /// <summary>The main process of the last service started (the one <see cref="RespawnLast"/> kills).</summary>
    public int LastPid { get; private set; }

    /// <summary>That service's main process is killed and respawned, its exec confirmed.</summary>
    public void RespawnLast()
    {
        Core.OnProcessNotice(new ProcessExited(LastPid, 9, true));
        Core.Poll();
        LastPid = _processes.Spawned[^1];
        _processes.Spawned.Clear();
        Core.OnProcessNotice(new ProcessSpawned(LastPid));
        Core.Poll();
    }
}
