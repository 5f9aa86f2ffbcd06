using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartPS.TestSupport.Engine;

/// <summary>
/// The one real-engine fixture: an <see cref="EngineCore"/> driven from the caller's thread. For the engine's
/// tests, with a fake process layer, a fake clock and a capturing logger: every helper runs the event queue
/// afterwards, as the engine thread does after each message, and then delivers the fake layer's spawn
/// outcomes (ProcessSpawned/ProcessSpawnFailed) as the inbox would. For the benchmarks, with the layer, clock
/// and logger they choose and nothing recorded: deferred work runs alone and the benchmark polls.
/// (The whole engine with the real process layer on its own thread is <see cref="Supervisor"/>.)
/// </summary>
internal sealed class EngineHarness
{
    private readonly IProcessLayer processes;
    private readonly IEngineClock clock;
    private readonly ILogger log;

    public EngineHarness(EngineOptions? options = null)
        : this(options ?? new EngineOptions { LogDirectory = "/var/log/upstart", AppArmorAvailable = false }, new FakeProcessLayer(), new FakeClock(), new CapturingLogger<JobEngine>(), recording: true)
    {
    }

    /// <summary>
    /// With <paramref name="recording"/>, every queued event is kept (<see cref="Events"/>) and deferred work is
    /// followed by <see cref="Pump"/>; without, nothing grows with the work done (a benchmark measures allocations).
    /// </summary>
    public EngineHarness(EngineOptions options, IProcessLayer processes, IEngineClock clock, ILogger log, bool recording)
    {
        this.processes = processes;
        this.clock = clock;
        this.log = log;
        Core = new EngineCore(
            options,
            processes,
            clock,
            log,
            recording
                ? work =>
                {
                    work();
                    Pump();
                }
                : work => work());
        if (recording)
        {
            Core.EventQueued += e => Events.Add(e);
        }
    }

    public FakeProcessLayer Processes => processes as FakeProcessLayer ?? throw new InvalidOperationException("this harness has another process layer");

    public FakeClock Clock => clock as FakeClock ?? throw new InvalidOperationException("this harness has another clock");

    public CapturingLogger<JobEngine> Log => log as CapturingLogger<JobEngine> ?? throw new InvalidOperationException("this harness has another logger");

    public EngineCore Core { get; }

    /// <summary>Every event queued, in order.</summary>
    public List<EngineEvent> Events { get; } = [];

    /// <summary>Job events (starting, started, stopping, stopped) as `name KEY=VALUE…` lines.</summary>
    public IReadOnlyList<string> JobEventLines =>
        [.. Events.Where(e => JobEvents.IsJobEvent(e.Name)).Select(e => e.ToString())];

    public IReadOnlyList<string> EventLines(string name) =>
        [.. Events.Where(e => e.Name == name).Select(e => e.ToString())];

    public static JobClassConfig Service(string name = "test", params ProcessKind[] extra)
    {
        var processes = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty
            .Add(ProcessKind.Main, new ProcessDefinition(false, "/bin/sleep 1000"));
        foreach (var kind in extra)
        {
            processes = processes.SetItem(kind, new ProcessDefinition(false, "/bin/true " + kind.ToUpstartName()));
        }

        return new JobClassConfig { Name = name, Processes = processes };
    }

    public EngineHarness With(JobClassConfig config)
    {
        Core.ApplyConfig(config);
        return this;
    }

    public Task<JobSnapshot> Start(string job = "test", bool wait = true, params string[] env) => Settle(Core.Start(job, env, wait));

    public Task<JobSnapshot> Stop(string job = "test", bool wait = true, params string[] env) => Settle(Core.Stop(job, env, wait));

    public Task Emit(string name, params string[] env) => Settle(Core.EmitRequest(name, env, wait: true));

    public T Settle<T>(T result)
    {
        Pump();
        return result;
    }

    /// <summary>Runs the event queue and delivers spawn outcomes until neither has anything left.</summary>
    public void Pump()
    {
        while (true)
        {
            Core.Poll();
            if (processes is not FakeProcessLayer fake || !fake.TryTakeOutcome(out var outcome))
            {
                return;
            }

            Core.OnProcessNotice(outcome);
        }
    }

    /// <summary>Delivers spawn outcomes without running the event queue (the conformance runner's view).</summary>
    public void DeliverOutcomes()
    {
        while (processes is FakeProcessLayer fake && fake.TryTakeOutcome(out var outcome))
        {
            Core.OnProcessNotice(outcome);
        }
    }

    public JobInstance Instance(string job = "test", string instance = "") =>
        Core.FindInstance(job, instance) ?? throw new InvalidOperationException($"no instance {job} ({instance})");

    /// <summary>`goal/state`, or stop/waiting when there is no instance.</summary>
    public string Status(string job = "test", string instance = "") =>
        Core.FindInstance(job, instance) is { } i ? $"{i.Goal.ToUpstartName()}/{i.State.ToUpstartName()}" : "stop/waiting";

    public int Pid(ProcessKind kind, string job = "test", string instance = "") => Instance(job, instance).Pid(kind);

    public void Exit(ProcessKind kind, int status, string job = "test", string instance = "") =>
        Notice(new ProcessExited(Pid(kind, job, instance), status, false));

    public void KillWith(ProcessKind kind, int signal, string job = "test", string instance = "") =>
        Notice(new ProcessExited(Pid(kind, job, instance), signal << 8, true));

    public void Notice(ProcessNotice notice)
    {
        Core.OnProcessNotice(notice);
        Pump();
    }

    /// <summary>Brings a started service through a full stop: the stop request, then main dying of the kill signal.</summary>
    public void StopAndReap(string job = "test", string instance = "", params string[] env)
    {
        var pid = Pid(ProcessKind.Main, job, instance);
        _ = Core.Stop(job, env, wait: false);
        Pump();
        Notice(new ProcessExited(pid, 15 << 8, true));
    }
}
