using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartPS.TestSupport.Engine;

/// <summary>
/// A process layer that spawns nothing: it hands out PIDs and records every request and signal. Like the
/// real layer, the outcome of a spawn comes later as a notice (ProcessSpawned, or ProcessSpawnFailed for
/// <see cref="FailingKinds"/>); the harness delivers them after each operation unless
/// <see cref="HoldOutcomes"/> keeps them for a test to deliver itself.
/// </summary>
internal sealed class FakeProcessLayer : IProcessLayer
{
    private readonly Queue<ProcessNotice> _outcomes = [];
    private int _nextPid = 1000;

    public List<SpawnRequest> Spawns { get; } = [];

    public List<(int Pid, int Signal, bool Group)> Signals { get; } = [];

    /// <summary>Kinds whose spawn fails in the helper (missing binary, unknown user…).</summary>
    public HashSet<ProcessKind> FailingKinds { get; } = [];

    /// <summary>With a real engine (JobEngine) outcomes go straight to its inbox, as the real layer posts them.</summary>
    public IProcessNoticeSink? Sink { get; set; }

    /// <summary>When true, outcomes queue up until <see cref="TakeOutcomes"/> (tests of the unconfirmed window).</summary>
    public bool HoldOutcomes { get; set; }

    public SpawnResult Spawn(SpawnRequest request)
    {
        Spawns.Add(request);
        var pid = ++_nextPid;
        ProcessNotice outcome = FailingKinds.Contains(request.Kind)
            ? new ProcessSpawnFailed(pid, "No such file or directory")
            : new ProcessSpawned(pid);
        if (Sink is { } sink)
        {
            sink.Post(outcome);
        }
        else
        {
            _outcomes.Enqueue(outcome);
        }

        return SpawnResult.Ok(pid);
    }

    /// <summary>kill(2)'s errno for every signal sent from now on (0: delivered).</summary>
    public int SignalErrno { get; set; }

    public int SignalGroup(int pid, int signal)
    {
        Signals.Add((pid, signal, true));
        return SignalErrno;
    }

    public int Signal(int pid, int signal)
    {
        Signals.Add((pid, signal, false));
        return SignalErrno;
    }

    /// <summary>The cgroup path of each instance, as the real layer would report it ("JOB/INSTANCE" → path).</summary>
    public Dictionary<string, string> CgroupPaths { get; } = [];

    /// <summary>Resumed cgroups and finished instances, in order: `resume JOB/INSTANCE PATH`, `finished JOB/INSTANCE kill|let-go`.</summary>
    public List<string> CgroupCalls { get; } = [];

    public string? CgroupOf(string jobName, string instance) => CgroupPaths.GetValueOrDefault(jobName + "/" + instance);

    public void ResumeCgroup(string jobName, string instance, string path) => CgroupCalls.Add($"resume {jobName}/{instance} {path}");

    public void InstanceFinished(string jobName, string instance, bool killLeftovers) =>
        CgroupCalls.Add($"finished {jobName}/{instance} {(killLeftovers ? "kill" : "let-go")}");

    public SpawnRequest LastSpawn(ProcessKind kind) => Spawns.Last(s => s.Kind == kind);

    /// <summary>Outcomes posted so far and not yet delivered, oldest first.</summary>
    public IReadOnlyList<ProcessNotice> TakeOutcomes()
    {
        var taken = _outcomes.ToList();
        _outcomes.Clear();
        return taken;
    }

    /// <summary>The outcomes the harness should deliver now (none while held).</summary>
    public bool TryTakeOutcome(out ProcessNotice notice)
    {
        if (HoldOutcomes)
        {
            notice = null!;
            return false;
        }

        return _outcomes.TryDequeue(out notice!);
    }
}
