using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// Restore of an instance whose job file changed while no daemon ran (docs/daemon.md, "Restarting the
/// daemon"): it carries on under the definition it ran under, and the loaded one waits, as after a reload.
/// </summary>
public sealed class RestoreChangedDefinitionTests
{
    private static JobClassConfig Version(string v, int killSignal) =>
        EngineHarness.Service("test", ProcessKind.PostStop) with
        {
            KillSignal = killSignal,
            Processes = EngineHarness.Service().Processes.Add(ProcessKind.PostStop, new ProcessDefinition(false, "/bin/echo " + v)),
        };

    private static EngineHarness Resume(EngineHarness from, JobClassConfig loaded, IReadOnlyDictionary<string, EarlierDefinition>? earlier)
    {
        var records = from.Core.SnapshotInstances().Select(r => r with { Fingerprint = "v1-print" }).ToList();
        var to = new EngineHarness().With(loaded);
        to.Core.Restore(records, 0, _ => true, earlier);
        to.Pump();
        return to;
    }

    [Fact]
    public void The_instance_keeps_its_earlier_definition_until_it_stops_then_the_loaded_one_applies()
    {
        var before = new EngineHarness().With(Version("v1", 2));
        _ = before.Start();
        var pid = before.Pid(ProcessKind.Main);

        var after = Resume(before, Version("v2", 9), new Dictionary<string, EarlierDefinition> { ["test"] = new(Version("v1", 2), "v1-print") });

        Assert.Equal(("start/running", pid, 2), (after.Status(), after.Pid(ProcessKind.Main), after.Instance().Config.KillSignal));
        Assert.True(after.Core.Status("test", null).Single().ConfigChanged);
        Assert.Equal("v1-print", Assert.Single(after.Core.SnapshotInstances()).Fingerprint);

        _ = after.Core.Stop("test", [], wait: false);
        after.Pump();
        Assert.Contains((pid, 2), after.Processes.Signals.Select(s => (s.Pid, s.Signal)));
        after.Notice(new ProcessExited(pid, 2, true));
        Assert.Equal("/bin/echo v1", after.Processes.LastSpawn(ProcessKind.PostStop).Process.Command);
        after.Exit(ProcessKind.PostStop, 0);

        Assert.Equal(9, after.Core.GetConfig("test")!.KillSignal);
        _ = after.Start();
        _ = after.Core.Stop("test", [], wait: false);
        after.Pump();
        after.Notice(new ProcessExited(after.Pid(ProcessKind.Main), 9, true));
        Assert.Equal("/bin/echo v2", after.Processes.LastSpawn(ProcessKind.PostStop).Process.Command);
    }

    [Fact]
    public void A_deleted_job_file_leaves_the_class_until_its_instance_stops()
    {
        var before = new EngineHarness().With(Version("v1", 2));
        _ = before.Start();
        var records = before.Core.SnapshotInstances().Select(r => r with { Fingerprint = "v1-print" }).ToList();

        var after = new EngineHarness();
        after.Core.Restore(records, 0, _ => true, new Dictionary<string, EarlierDefinition> { ["test"] = new(Version("v1", 2), "v1-print") });
        after.Pump();

        Assert.Equal("start/running", after.Status());
        Assert.True(after.Instance().Class.Deleted);
        after.StopAndReap();
        after.Exit(ProcessKind.PostStop, 0);
        Assert.Null(after.Core.GetConfig("test"));
    }

    [Fact]
    public void Without_an_earlier_definition_the_instance_carries_on_under_the_loaded_one()
    {
        var before = new EngineHarness().With(Version("v1", 2));
        _ = before.Start();

        var after = Resume(before, Version("v2", 9), earlier: null);

        Assert.Equal(9, after.Instance().Config.KillSignal);
        Assert.False(after.Core.Status("test", null).Single().ConfigChanged);
    }
}
