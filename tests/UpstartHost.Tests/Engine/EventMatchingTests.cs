using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>`start on` / `stop on` with real parsed job files and the real matcher (UPSTART.md §b.4, §b.5).</summary>
public sealed class EventMatchingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_start_event_starts_the_job_with_its_variables_and_upstart_events()
    {
        var h = new EngineHarness().Load("web", "start on net-device-up IFACE!=lo\nenv PORT=80\nexec /usr/sbin/web\n");

        _ = h.Emit("net-device-up", "IFACE=eth0", "ADDRFAM=inet");

        Assert.Equal("start/running", h.Status("web"));
        Assert.Equal(
            ["PATH=" + EngineOptions.DefaultPath, "TERM=linux", "PORT=80", "IFACE=eth0", "ADDRFAM=inet", "UPSTART_EVENTS=net-device-up", "UPSTART_JOB=web", "UPSTART_INSTANCE="],
            h.Processes.LastSpawn(ProcessKind.Main).Environment);
    }

    [Fact]
    public void An_event_that_does_not_match_starts_nothing()
    {
        var h = new EngineHarness().Load("web", "start on net-device-up IFACE!=lo\nexec /usr/sbin/web\n");

        _ = h.Emit("net-device-up", "IFACE=lo");

        Assert.Equal("stop/waiting", h.Status("web"));
    }

    [Fact]
    public async Task An_emit_returns_when_the_service_it_started_is_running()
    {
        var h = new EngineHarness().Load("web", "start on go\npre-start exec /bin/true\nexec /usr/sbin/web\n");

        var emit = h.Emit("go");
        Assert.False(emit.IsCompleted);
        h.Exit(ProcessKind.PreStart, 0, "web");

        await emit.WaitAsync(Bound);
        Assert.Equal("start/running", h.Status("web"));
    }

    [Fact]
    public async Task An_emit_fails_when_a_job_it_started_fails_and_name_failed_follows()
    {
        var h = new EngineHarness()
            .Load("web", "start on go\npre-start exec /bin/false\nexec /usr/sbin/web\n")
            .Load("alert", "start on go/failed\ntask\nexec /usr/bin/mail\n");

        var emit = h.Emit("go", "WHY=test");
        h.Exit(ProcessKind.PreStart, 1, "web");

        var error = await Assert.ThrowsAsync<EngineException>(() => emit.WaitAsync(Bound));
        Assert.Equal(EngineError.EventFailed, error.Error);
        Assert.Equal(["go/failed WHY=test"], h.EventLines("go/failed"));
        Assert.Equal("start/running", h.Status("alert"));
    }

    [Fact]
    public void Stop_on_stops_the_job_and_post_stop_gets_upstart_stop_events()
    {
        var h = new EngineHarness().Load("web", "start on up\nstop on down\nexec /usr/sbin/web\npost-stop exec /bin/cleanup\n");
        _ = h.Emit("up");

        _ = h.Emit("down", "REASON=maintenance");
        h.KillWith(ProcessKind.Main, 15, "web");

        var postStop = h.Processes.LastSpawn(ProcessKind.PostStop).Environment;
        Assert.Contains("REASON=maintenance", postStop);
        Assert.Contains("UPSTART_STOP_EVENTS=down", postStop);
        Assert.DoesNotContain("REASON=maintenance", h.Processes.LastSpawn(ProcessKind.Main).Environment);
    }

    [Fact]
    public void An_event_in_both_stop_on_and_start_on_restarts_the_job()
    {
        var h = new EngineHarness().Load("web", "start on cycle\nstop on cycle\nexec /usr/sbin/web\n");
        _ = h.Emit("cycle");
        var first = h.Pid(ProcessKind.Main, "web");

        _ = h.Emit("cycle");
        Assert.Equal("start/killed", h.Status("web"));
        h.Notice(new UpstartHost.Processes.ProcessExited(first, 15 << 8, true));

        Assert.Equal("start/running", h.Status("web"));
        Assert.NotEqual(first, h.Pid(ProcessKind.Main, "web"));
    }

    [Fact]
    public void Start_on_starting_runs_the_dependency_before_the_job_continues()
    {
        var h = new EngineHarness()
            .Load("app", "exec /usr/bin/app\n")
            .Load("db", "start on starting app\npre-start exec /bin/prepare\nexec /usr/sbin/db\n");

        _ = h.Start("app", wait: false);

        Assert.Equal("start/starting", h.Status("app"));
        Assert.Equal("start/pre-start", h.Status("db"));
        h.Exit(ProcessKind.PreStart, 0, "db");
        Assert.Equal("start/running", h.Status("db"));
        Assert.Equal("start/running", h.Status("app"));
    }

    [Fact]
    public void Stop_on_stopping_stops_the_dependent_job_before_the_job_is_killed()
    {
        var h = new EngineHarness()
            .Load("db", "exec /usr/sbin/db\n")
            .Load("app", "start on started db\nstop on stopping db\nexec /usr/bin/app\n");
        _ = h.Start("db");
        Assert.Equal("start/running", h.Status("app"));
        var db = h.Pid(ProcessKind.Main, "db");

        _ = h.Stop("db", wait: false);

        Assert.Equal("stop/stopping", h.Status("db"));
        Assert.Equal("stop/killed", h.Status("app"));
        Assert.DoesNotContain(h.Processes.Signals, s => s.Pid == db);
        h.KillWith(ProcessKind.Main, 15, "app");
        Assert.Equal("stop/killed", h.Status("db"));
    }

    [Fact]
    public void An_event_held_by_a_partial_match_does_not_finish_until_the_rest_arrives()
    {
        var h = new EngineHarness().Load("web", "start on a and b\nexec /usr/sbin/web\n");

        var a = h.Emit("a");
        Assert.False(a.IsCompleted);
        Assert.Equal(1, h.Core.LiveEventCount);

        var b = h.Emit("b");

        Assert.True(a.IsCompletedSuccessfully);
        Assert.True(b.IsCompletedSuccessfully);
        Assert.Contains("UPSTART_EVENTS=a b", h.Processes.LastSpawn(ProcessKind.Main).Environment);
    }

    [Fact]
    public void Events_start_one_instance_per_expanded_name()
    {
        var h = new EngineHarness().Load("getty", "start on tty-added TTY=tty*\ninstance $TTY\nexec /sbin/getty $TTY\n");

        _ = h.Emit("tty-added", "TTY=tty1");
        _ = h.Emit("tty-added", "TTY=tty2");
        _ = h.Emit("tty-added", "TTY=tty1");

        Assert.Equal(["tty1", "tty2"], h.Core.List().Select(s => s.Instance));
        Assert.Equal(2, h.Processes.Spawns.Count);
    }

    [Fact]
    public void An_instance_name_that_cannot_be_expanded_drops_the_start_with_a_warning()
    {
        var h = new EngineHarness().Load("getty", "start on tty-added\ninstance $TTY\nexec /sbin/getty\n");

        _ = h.Emit("tty-added");

        Assert.Equal(0, h.Core.InstanceCount);
        Assert.Contains("Failed to obtain getty instance: Unknown parameter: TTY", h.Log.Warnings);
        Assert.Equal(0, h.Core.LiveEventCount);
    }

    [Fact]
    public void Stop_on_expands_variables_against_the_instance_environment()
    {
        var h = new EngineHarness().Load(
            "mount",
            "start on device-added\nstop on device-removed DEVPATH=$DEVPATH\ninstance $DEVPATH\nexec /bin/watch\n");
        _ = h.Emit("device-added", "DEVPATH=/dev/a");
        _ = h.Emit("device-added", "DEVPATH=/dev/b");

        _ = h.Emit("device-removed", "DEVPATH=/dev/b");

        Assert.Equal("start/running", h.Status("mount", "/dev/a"));
        Assert.Equal("stop/killed", h.Status("mount", "/dev/b"));
    }

    [Fact]
    public void Exported_variables_reach_the_job_events()
    {
        var h = new EngineHarness().Load("web", "start on up\nexport PORT\nexec /usr/sbin/web\n");

        _ = h.Emit("up", "PORT=8080");

        Assert.Equal("started JOB=web INSTANCE= PORT=8080", h.JobEventLines[^1]);
    }

    [Fact]
    public void A_job_can_alert_on_a_flapping_service()
    {
        var h = new EngineHarness()
            .Load("web", "respawn\nrespawn limit 1 60\nexec /usr/sbin/web\n")
            .Load("pager", "start on respawn-limit-reached JOB=web\ntask\nexec /usr/bin/page\n");
        _ = h.Start("web");

        h.Exit(ProcessKind.Main, 1, "web");
        h.Exit(ProcessKind.Main, 1, "web");

        Assert.Equal("stop/waiting", h.Status("web"));
        Assert.Equal("start/running", h.Status("pager"));
        Assert.Contains("JOB=web", h.Processes.Spawns.Single(s => s.JobName == "pager").Environment);
    }

    [Fact]
    public void A_job_can_react_to_every_main_process_exit()
    {
        var h = new EngineHarness()
            .Load("web", "respawn\nexec /usr/sbin/web\n")
            .Load("counter", "start on process-exited JOB=web PROCESS=main\ninstance $PID\ntask\nexec /bin/count\n");
        _ = h.Start("web");

        h.Exit(ProcessKind.Main, 3, "web");

        var counter = Assert.Single(h.Core.List(), s => s.Name == "counter");
        Assert.Equal("start/running", $"{counter.Goal.ToUpstartName()}/{counter.State.ToUpstartName()}");
        Assert.Contains("EXIT_STATUS=3", h.Processes.Spawns.Single(s => s.JobName == "counter").Environment);
        Assert.Equal("start/running", h.Status("web"));
    }

    [Fact]
    public async Task An_event_held_by_a_partly_matched_stop_on_is_released_when_the_instance_goes()
    {
        var h = new EngineHarness().Load("web", "stop on a and b\nexec /usr/sbin/web\n");
        _ = h.Start("web");
        var a = h.Emit("a");
        Assert.False(a.IsCompleted);

        h.StopAndReap("web");

        await a.WaitAsync(Bound);
        Assert.Equal(0, h.Core.LiveEventCount);
    }

    [Fact]
    public async Task An_event_held_by_a_removed_class_is_released()
    {
        var h = new EngineHarness().Load("web", "start on a and b\nexec /usr/sbin/web\n");
        var a = h.Emit("a");

        h.Core.ApplyCatalog(new Upstart.JobFiles.Loading.JobCatalog(System.Collections.Immutable.ImmutableDictionary<string, JobClassConfig>.Empty, []));
        h.Pump();

        await a.WaitAsync(Bound);
    }
}
