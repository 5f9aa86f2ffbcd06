using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine.Conformance;

/// <summary>What the engine did for one case, in the corpus' own notation.</summary>
internal sealed record StateCaseOutcome(
    string Expect,
    string Failed,
    IReadOnlyList<string> Emits,
    string? Expect2,
    IReadOnlyList<string>? Emits2,
    IReadOnlyList<string> Log);

/// <summary>
/// Drives an <see cref="EngineCore"/> through a `states/` case with the fake process layer and clock. The
/// event queue is deliberately not run: a case stops "at the first point where Upstart must wait", and a
/// blocking starting/stopping event is such a point.
/// </summary>
internal static partial class StateCaseRunner
{
    private const string Job = "test";

    public static StateCaseOutcome Run(StateCase c)
    {
        var h = new EngineHarness().With(Config(c));
        var instanceName = c.Instance ?? "";
        JobInstance? instance = null;
        if (c.Initial != (JobGoal.Stop, JobState.Waiting))
        {
            var pid = 0;
            instance = h.Core.Seed(Job, instanceName, c.Initial.Goal, c.Initial.State, c.Running.Select(k => (k, ++pid)));
        }
        else if (c.Running.Count > 0)
        {
            throw new FormatException($"{c.Name}: processes running in stop/waiting");
        }

        var (expect, emits) = Step(h, c.Action, instanceName, ref instance);
        var failed = instance?.Failure?.ToString() ?? "no";
        string? expect2 = null;
        IReadOnlyList<string>? emits2 = null;
        if (c.Then is { } then)
        {
            (expect2, emits2) = Step(h, then, instanceName, ref instance);
        }

        var log = h.Log.Warnings.Select(MaskPid).ToList();
        return new StateCaseOutcome(expect, failed, emits, expect2, emits2, log);
    }

    public static string MaskPid(string line) => PidPattern().Replace(line, "(PID)");

    private static JobClassConfig Config(StateCase c)
    {
        var processes = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty;
        foreach (var kind in c.Processes)
        {
            processes = processes.SetItem(kind, new ProcessDefinition(false, "/bin/true"));
        }

        return new JobClassConfig
        {
            Name = Job,

            // The corpus gives the instance name itself; `${}` keeps any '$' in it literal.
            Instance = (c.Instance ?? "").Replace("$", "${}", StringComparison.Ordinal),
            Task = c.Task,
            Respawn = c.Respawn,
            RespawnLimit = c.RespawnLimit,
            NormalExit = [.. c.NormalExit],
            Export = [.. c.Export],
            Env = [.. c.Env],
            Processes = processes,
        };
    }

    private static (string Status, IReadOnlyList<string> JobEvents) Step(
        EngineHarness h, IReadOnlyList<StateAction> actions, string instanceName, ref JobInstance? instance)
    {
        var before = h.Events.Count;
        foreach (var action in actions)
        {
            Apply(h, action, instanceName, ref instance);

            // The fake confirms every exec at once, as a real exec confirmation arrives before any exit.
            h.DeliverOutcomes();
        }

        var current = h.Core.FindInstance(Job, instanceName);
        instance = current ?? instance;
        var status = current is null ? "stop/waiting" : $"{current.Goal.ToUpstartName()}/{current.State.ToUpstartName()}";
        var jobEvents = h.Events.Skip(before).Where(e => JobEvents.IsJobEvent(e.Name)).Select(e => e.ToString()).ToList();
        return (status, jobEvents);
    }

    private static void Apply(EngineHarness h, StateAction action, string instanceName, ref JobInstance? instance)
    {
        var current = h.Core.FindInstance(Job, instanceName);
        switch (action)
        {
            case StateAction.Exit(var kind, var status):
                h.Core.OnProcessNotice(new ProcessExited(RunningPid(current, kind), status, false));
                break;
            case StateAction.Signal(var kind, var signal):
                h.Core.OnProcessNotice(new ProcessExited(RunningPid(current, kind), signal << 8, true));
                break;
            case StateAction.Goal(var goal):
                // Refusals ("Job is already running") leave the state machine untouched, as in Upstart.
                var request = goal == JobGoal.Start ? h.Core.Start(Job, [], wait: false) : h.Core.Stop(Job, [], wait: false);
                _ = request.Exception;
                break;
            case StateAction.RespawnsSoFar(var count, var secondsAgo):
                var now = (long)Math.Floor(h.Clock.Monotonic.TotalSeconds);
                Require(current, "respawns-so-far").Respawns.Seed(count, now - secondsAgo);
                break;
            case StateAction.SpawnFailed(var kind):
                h.Core.OnSpawnFailed(Require(current, "spawn-failed"), kind);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action));
        }

        instance = h.Core.FindInstance(Job, instanceName) ?? current ?? instance;
    }

    private static JobInstance Require(JobInstance? instance, string action) =>
        instance ?? throw new FormatException($"`{action}` needs a live instance");

    private static int RunningPid(JobInstance? instance, ProcessKind kind)
    {
        var pid = Require(instance, kind.ToUpstartName()).Pid(kind);
        return pid > 0 ? pid : throw new FormatException($"{kind.ToUpstartName()} is not running");
    }

    [GeneratedRegex(@"\(\d+\)")]
    private static partial Regex PidPattern();
}
