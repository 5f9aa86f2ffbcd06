using UpstartHost.Engine;

namespace UpstartHost.Tests.Supervision;

/// <summary>Console logs of every process of a job (UPSTART.md §f), and an engine that outlives whatever its children do.</summary>
[Collection(RunAlone.Name)]
public sealed class LogAndSurvivalTests
{
    [Fact]
    public async Task The_job_log_holds_the_output_of_pre_start_main_and_post_stop()
    {
        await using var sv = await Supervisor.StartAsync(("chatty", """
            pre-start exec echo from-pre-start
            script
              echo from-main
              exec sleep 1000
            end script
            post-stop script
              echo from-post-stop
            end script
            """));
        await sv.StartJob("chatty");
        await sv.LogContaining("chatty", "", "from-pre-start", "from-main");

        await sv.StopJob("chatty");

        var log = await sv.LogContaining("chatty", "", "from-post-stop");
        Assert.True(
            log.IndexOf("from-pre-start", StringComparison.Ordinal) < log.IndexOf("from-main", StringComparison.Ordinal)
            && log.IndexOf("from-main", StringComparison.Ordinal) < log.IndexOf("from-post-stop", StringComparison.Ordinal),
            "out of order: " + log);
    }

    [Fact]
    public async Task An_unusable_log_directory_is_reported_and_the_job_runs_anyway()
    {
        await using var sv = await Supervisor.StartAsync(("quiet", "exec /bin/sh -c 'echo lost; exec sleep 1000'\n"));
        Directory.Delete(sv.LogDirectory);
        await File.WriteAllTextAsync(sv.LogDirectory, "a file where the log directory should be");

        var snapshot = await sv.StartJob("quiet");

        Assert.Equal((JobGoal.Start, JobState.Running), (snapshot.Goal, snapshot.State));
        Assert.True(ProcScan.IsAlive(await sv.MainPid("quiet")));
        await Supervisor.Eventually(
            () => sv.ProcessLog.Messages.Any(m => m.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && m.Message.Contains("quiet", StringComparison.Ordinal)),
            "a warning naming the job");
    }

    [Fact]
    public async Task Console_none_writes_no_log_file()
    {
        await using var sv = await Supervisor.StartAsync(("mute", "console none\nexec /bin/sh -c 'echo unheard; exec sleep 1000'\n"));

        await sv.StartJob("mute");
        await sv.StopJob("mute");

        Assert.False(File.Exists(Path.Combine(sv.LogDirectory, "mute.log")));
    }

    [Fact]
    public async Task An_instance_name_with_a_slash_logs_to_an_escaped_file_name_inside_the_log_directory()
    {
        await using var sv = await Supervisor.StartAsync(("tunnel", "instance $NAME\nexec /bin/sh -c 'echo \"tunnel $NAME\"; exec sleep 1000'\n"));

        await sv.StartJob("tunnel", "NAME=../a/b");

        await sv.LogContaining("tunnel", "../a/b", "tunnel ../a/b");
        Assert.True(File.Exists(Path.Combine(sv.LogDirectory, "tunnel-.._a_b.log")));
    }

    [Fact]
    public async Task Children_that_crash_or_cannot_start_never_take_the_engine_down()
    {
        await using var sv = await Supervisor.StartAsync(
            ("steady", "exec sleep 1000\n"),
            ("crasher", "exec /bin/sh -c 'kill -SEGV $$'\n"),
            ("missing", "exec /nonexistent/upstartps-binary\n"),
            ("nobody", "setuid upstartps-no-such-user\nexec sleep 1000\n"));
        await sv.StartJob("steady");
        var steady = await sv.MainPid("steady");
        var mark = sv.Notifications.Count;

        await sv.Engine.StartAsync("crasher", [], wait: false).WaitAsync(Supervisor.Bound);
        var crashed = await sv.WaitForEvent("stopped", mark, "JOB=crasher");
        await Assert.ThrowsAsync<EngineException>(() => sv.StartJob("missing"));
        await Assert.ThrowsAsync<EngineException>(() => sv.StartJob("nobody"));

        Assert.Equal(("failed", "main", "SEGV"), (NotificationLog.Value(crashed, "RESULT"), NotificationLog.Value(crashed, "PROCESS"), NotificationLog.Value(crashed, "EXIT_SIGNAL")));
        Assert.Equal(steady, await sv.MainPid("steady"));
        Assert.True(ProcScan.IsAlive(steady));
        Assert.Equal(4, (await sv.Engine.ListAsync().WaitAsync(Supervisor.Bound)).Count);
    }

    [Fact]
    public async Task An_orphan_left_by_a_task_is_reaped_and_never_reported_as_the_job()
    {
        await using var sv = await Supervisor.StartAsync(
            ("leaver", "task\nexec /bin/sh -c 'setsid sleep 0.2 & exit 0'\n"));
        var mark = sv.Notifications.Count;

        await sv.StartJob("leaver");

        var stopped = await sv.WaitForEvent("stopped", mark, "JOB=leaver");
        Assert.Equal("ok", NotificationLog.Value(stopped, "RESULT"));
        Assert.Single(sv.Notifications.Events("process-exited", mark, "JOB=leaver"));
    }
}
