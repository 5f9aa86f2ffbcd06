using System.Collections.Immutable;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// An <see cref="EngineCore"/> driven from the test thread with a fake process layer and a fake clock.
/// Every helper runs the event queue afterwards, as the engine thread does after each message, and then
/// delivers the fake layer's spawn outcomes (ProcessSpawned/ProcessSpawnFailed) as the inbox would.
/// </summary>
internal sealed class EngineHarness
{
    public EngineHarness(EngineOptions? options = null)
    {
        Core = new EngineCore(
            options ?? new EngineOptions { LogDirectory = "/var/log/upstart", AppArmorAvailable = false },
            Processes,
            Clock,
            Log,
            work =>
            {
                work();
                Pump();
            });
        Core.EventQueued += e => Events.Add(e);
    }

    public FakeProcessLayer Processes { get; } = new();

    public FakeClock Clock { get; } = new();

    public CapturingLogger<JobEngine> Log { get; } = new();

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
            if (!Processes.TryTakeOutcome(out var outcome))
            {
                return;
            }

            Core.OnProcessNotice(outcome);
        }
    }

    /// <summary>Delivers spawn outcomes without running the event queue (the conformance runner's view).</summary>
    public void DeliverOutcomes()
    {
        while (Processes.TryTakeOutcome(out var outcome))
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
