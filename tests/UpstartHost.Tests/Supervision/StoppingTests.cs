using Microsoft.Extensions.Logging;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Supervision;

/// <summary>Stopping real processes: kill signal to the group, kill timeout then SIGKILL (UPSTART.md §c.2).</summary>
[Collection(RunAlone.Name)]
public sealed class StoppingTests
{
    [Fact]
    public async Task A_process_that_ignores_TERM_is_killed_with_SIGKILL_after_the_kill_timeout()
    {
        await using var sv = await Supervisor.StartAsync(
            ("stubborn", "kill timeout 1\nexec /bin/sh -c \"trap '' TERM; echo ready > {work}/ready; exec sleep 1000\"\n"));
        await sv.StartJob("stubborn");
        await Supervisor.FileWritten(Path.Combine(sv.WorkDirectory, "ready"));
        var main = await sv.MainPid("stubborn");
        Assert.NotEqual(0UL, Convert.ToUInt64(ProcScan.Status(main, "SigIgn"), 16) & (1UL << (15 - 1)));
        var mark = sv.Notifications.Count;

        var snapshot = await sv.StopJob("stubborn");

        Assert.Equal((JobGoal.Stop, JobState.Waiting), (snapshot.Goal, snapshot.State));
        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=stubborn", "PROCESS=main", "EXIT_SIGNAL=KILL"));
        Assert.Contains(sv.EngineLog.Entries, e => e.Level == LogLevel.Information && e.Message == $"Sending KILL signal to stubborn main process ({main}) after 1s");
        Assert.Null(ProcScan.Read(main));
    }

    [Fact]
    public async Task Restart_replaces_the_main_process_and_keeps_the_instance_environment()
    {
        await using var sv = await Supervisor.StartAsync(("svc", "instance $N\nexec sleep 1000\n"));
        await sv.StartJob("svc", "N=1", "EXTRA=kept");
        var first = await sv.MainPid("svc", "1");

        var snapshot = await sv.Engine.RestartAsync("svc", ["N=1"], wait: true).WaitAsync(Supervisor.Bound);

        Assert.Equal((JobGoal.Start, JobState.Running), (snapshot.Goal, snapshot.State));
        var second = await sv.MainPid("svc", "1");
        Assert.NotEqual(first, second);
        Assert.Null(ProcScan.Read(first));
        Assert.Contains("EXTRA=kept", ProcScan.ProcFile(second, "environ").Split('\0'));
    }

    [Fact]
    public async Task A_stop_during_pre_start_lets_pre_start_finish_and_never_runs_the_main_process()
    {
        // The pre-start ends only once the stop has been taken: a fixed sleep ran out before a loaded machine got the
        // stop there, and the main process ran.
        await using var sv = await Supervisor.StartAsync(
            ("slow", "pre-start exec /bin/sh -c \"echo started > {work}/pre; while [ ! -e {work}/gate ]; do sleep 0.02; done\"\nexec /bin/sh -c \"touch {work}/main-ran; exec sleep 1000\"\n"));
        var mark = sv.Notifications.Count;
        var start = sv.Engine.StartAsync("slow", [], wait: true);
        await sv.WaitForState("slow", "pre-start", mark);
        await Supervisor.FileWritten(Path.Combine(sv.WorkDirectory, "pre"));

        var stopping = sv.StopJob("slow");
        await sv.Notifications.WaitFor(
            n => n is { Kind: NotificationKind.Goal, Job: "slow", Goal: JobGoal.Stop }, "the stop to be taken", mark, Supervisor.Bound);
        await File.WriteAllTextAsync(Path.Combine(sv.WorkDirectory, "gate"), "");
        await stopping;

        var preStart = Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=slow", "PROCESS=pre-start"));
        Assert.Equal("0", NotificationLog.Value(preStart, "EXIT_STATUS"));
        Assert.False(File.Exists(Path.Combine(sv.WorkDirectory, "main-ran")));
        Assert.Null(await sv.Status("slow"));
        await Task.WhenAny(start, Task.Delay(Supervisor.Bound));
        Assert.True(start.IsCompleted, "the start request was never answered");
    }

    [Fact]
    public async Task Reload_sends_the_reload_signal_to_the_main_process_only()
    {
        await using var sv = await Supervisor.StartAsync(
            ("reloadable", "reload signal USR1\nscript\n  trap 'echo reloaded' USR1\n  echo ready > {work}/ready\n  while :; do sleep 1; done\nend script\n"));
        await sv.StartJob("reloadable");
        await Supervisor.FileWritten(Path.Combine(sv.WorkDirectory, "ready"));
        var main = await sv.MainPid("reloadable");

        await sv.Engine.ReloadAsync("reloadable", []).WaitAsync(Supervisor.Bound);

        await sv.LogContaining("reloadable", "", "reloaded");
        Assert.Equal(main, await sv.MainPid("reloadable"));
    }

    [Fact]
    public async Task A_kill_or_reload_signal_the_kernel_refuses_is_warned_about_and_KILL_still_follows_the_kill_timeout()
    {
        // init(5) does not range-check signal numbers: `kill signal 99` loads, and kill(2) refuses it (EINVAL).
        await using var sv = await Supervisor.StartAsync(("odd", "kill signal 99\nreload signal 99\nkill timeout 1\nexec sleep 1000\n"));
        await sv.StartJob("odd");
        var main = await sv.MainPid("odd");
        var warning = $"Failed to send 99 signal to odd main process ({main}): Invalid argument";

        await sv.Engine.ReloadAsync("odd", []).WaitAsync(Supervisor.Bound);
        Assert.Contains(sv.EngineLog.Entries, e => e.Level == LogLevel.Warning && e.Message == warning);
        Assert.Equal(main, await sv.MainPid("odd"));

        var snapshot = await sv.StopJob("odd");

        Assert.Equal((JobGoal.Stop, JobState.Waiting), (snapshot.Goal, snapshot.State));
        Assert.Equal(2, sv.EngineLog.Entries.Count(e => e.Level == LogLevel.Warning && e.Message == warning));
        Assert.Contains(sv.EngineLog.Entries, e => e.Message == $"Sending KILL signal to odd main process ({main}) after 1s");
    }

    [Fact]
    public async Task A_failing_post_stop_fails_the_stop_with_its_exit_status()
    {
        await using var sv = await Supervisor.StartAsync(("svc", "post-stop exec /bin/sh -c \"exit 2\"\nexec sleep 1000\n"));
        await sv.StartJob("svc");
        var mark = sv.Notifications.Count;

        await Assert.ThrowsAsync<UpstartHost.Engine.EngineException>(() => sv.StopJob("svc"));

        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=svc");
        Assert.Equal(("failed", "post-stop", "2"), (NotificationLog.Value(stopped, "RESULT"), NotificationLog.Value(stopped, "PROCESS"), NotificationLog.Value(stopped, "EXIT_STATUS")));
    }

    [Fact]
    public async Task Stopping_a_service_kills_its_whole_process_group_leaving_no_grandchild()
    {
        await using var sv = await Supervisor.StartAsync(
            ("family", "exec /bin/sh -c 'sleep 1000 & sleep 1000 & echo $! > {work}/last; wait'\n"));
        await sv.StartJob("family");
        var grandchild = int.Parse((await Supervisor.FileWritten(Path.Combine(sv.WorkDirectory, "last"))).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(await sv.MainPid("family"), ProcScan.Read(grandchild)?.Session);

        await sv.StopJob("family");

        await sv.AssertNothingLeft();
        Assert.Null(ProcScan.Read(grandchild));
    }
}
