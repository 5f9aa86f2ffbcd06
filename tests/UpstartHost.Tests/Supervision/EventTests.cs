using UpstartHost.Engine;

namespace UpstartHost.Tests.Supervision;

/// <summary>Events starting and stopping real jobs: environment matching, blocking emitters, chaining (UPSTART.md §b.5).</summary>
[Collection(RunAlone.Name)]
public sealed class EventTests
{
    [Fact]
    public async Task An_event_starts_a_job_only_when_its_environment_matches_and_emit_returns_once_it_runs()
    {
        await using var sv = await Supervisor.StartAsync(("listener", "start on my-event FOO=bar\nexec sleep 1000\n"));

        await sv.Emit("my-event", "FOO=baz");
        Assert.Null(await sv.Status("listener"));

        await sv.Emit("my-event", "FOO=bar");
        var status = await sv.Status("listener");
        Assert.Equal((JobGoal.Start, JobState.Running), (status?.Goal, status?.State));
        Assert.True(ProcScan.IsAlive(await sv.MainPid("listener")));
    }

    [Fact]
    public async Task A_task_started_by_an_event_blocks_the_emitter_until_it_has_finished()
    {
        await using var sv = await Supervisor.StartAsync(
            ("chore", "start on go\ntask\nexec /bin/sh -c \"sleep 0.3; echo done > {work}/chore\"\n"));

        await sv.Emit("go");

        Assert.Equal("done\n", await File.ReadAllTextAsync(Path.Combine(sv.WorkDirectory, "chore")));
        Assert.Null(await sv.Status("chore"));
    }

    [Fact]
    public async Task A_job_that_fails_makes_the_emit_fail_and_the_failed_event_follow()
    {
        await using var sv = await Supervisor.StartAsync(("chore", "start on go\ntask\nexec /bin/sh -c \"exit 3\"\n"));
        var mark = sv.Notifications.Count;

        var error = await Assert.ThrowsAsync<EngineException>(() => sv.Emit("go", "WHY=test"));

        Assert.Equal(EngineError.EventFailed, error.Error);
        await sv.WaitForEvent("go/failed", mark, "WHY=test");
        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=chore");
        Assert.Equal(("failed", "main", "3"), (NotificationLog.Value(stopped, "RESULT"), NotificationLog.Value(stopped, "PROCESS"), NotificationLog.Value(stopped, "EXIT_STATUS")));
    }

    [Fact]
    public async Task A_job_that_starts_on_started_other_follows_it_up()
    {
        await using var sv = await Supervisor.StartAsync(
            ("other", "exec sleep 1000\n"),
            ("follower", "start on started other\nexec sleep 1000\n"));
        var mark = sv.Notifications.Count;

        await sv.StartJob("other");

        await sv.WaitForState("follower", "running", mark);
        Assert.Contains("UPSTART_EVENTS=started", Environ(await sv.MainPid("follower")));
    }

    [Fact]
    public async Task A_stop_on_naming_an_instance_variable_stops_only_that_instance()
    {
        await using var sv = await Supervisor.StartAsync(
            ("tunnel", "instance $NAME\nstart on up\nstop on down NAME=$NAME\nexec sleep 1000\n"));
        await sv.Emit("up", "NAME=a");
        await sv.Emit("up", "NAME=b");
        var a = await sv.MainPid("tunnel", "a");
        var b = await sv.MainPid("tunnel", "b");

        await sv.Emit("down", "NAME=a");

        Assert.Null(await sv.Status("tunnel", "a"));
        Assert.Null(ProcScan.Read(a));
        Assert.Equal(b, await sv.MainPid("tunnel", "b"));
        Assert.True(ProcScan.IsAlive(b));
    }

    [Fact]
    public async Task A_starting_event_holds_the_job_until_the_task_it_started_has_finished()
    {
        await using var sv = await Supervisor.StartAsync(
            ("app", "exec /bin/sh -c \"cat {work}/prepared; exec sleep 1000\"\n"),
            ("prepare", "start on starting app\ntask\nexec /bin/sh -c \"sleep 0.3; echo made-by-the-task > {work}/prepared\"\n"));

        await sv.StartJob("app");

        // Had app's main run before the task finished, cat would have found no file.
        var log = await sv.LogContaining("app", "", "made-by-the-task");
        Assert.DoesNotContain("No such file", log, StringComparison.Ordinal);
    }

    private static string[] Environ(int pid) => ProcScan.ProcFile(pid, "environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
}
