using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>Job and process environments (UPSTART.md §b.4, §a.1).</summary>
public sealed class JobEnvironmentTests
{
    [Fact]
    public void A_process_gets_path_term_env_stanza_request_variables_and_upstart_job()
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Env = ["FOO=default", "BAR=x"] });

        _ = h.Start("test", true, "FOO=given");

        Assert.Equal(
            ["PATH=" + EngineOptions.DefaultPath, "TERM=linux", "FOO=given", "BAR=x", "UPSTART_JOB=test", "UPSTART_INSTANCE="],
            h.Processes.LastSpawn(ProcessKind.Main).Environment);
    }

    [Fact]
    public void Env_key_without_a_value_copies_from_the_daemon_or_removes_an_earlier_entry()
    {
        var options = new EngineOptions { DaemonEnvironment = new Dictionary<string, string> { ["LANG"] = "C.UTF-8" } };
        var config = new JobClassConfig { Name = "x", Env = ["LANG", "GONE=1", "GONE"] };

        var env = JobEnvironment.ForClass(options, options.BaseEnvironment, config).ToList();

        Assert.Equal(["PATH=" + EngineOptions.DefaultPath, "TERM=linux", "LANG=C.UTF-8"], env);
    }

    [Fact]
    public void Pre_stop_and_post_stop_get_the_stop_environment_on_top()
    {
        var env = JobEnvironment.ForProcess(new EngineOptions(), "web", "a", ProcessKind.PostStop, ["A=1", "B=2"], ["B=3", "UPSTART_STOP_EVENTS=x"]);
        var main = JobEnvironment.ForProcess(new EngineOptions(), "web", "a", ProcessKind.Main, ["A=1", "B=2"], ["B=3"]);

        Assert.Equal(["A=1", "B=3", "UPSTART_STOP_EVENTS=x", "UPSTART_JOB=web", "UPSTART_INSTANCE=a"], env);
        Assert.Equal(["A=1", "B=2", "UPSTART_JOB=web", "UPSTART_INSTANCE=a"], main);
    }

    [Fact]
    public void Session_jobs_also_get_upstart_session()
    {
        var options = new EngineOptions { SessionMode = true, SessionAddress = "unix:abstract=/x" };

        var env = JobEnvironment.ForProcess(options, "j", "", ProcessKind.Main, [], null);

        Assert.Equal("UPSTART_SESSION=unix:abstract=/x", env[^1]);
    }

    [Fact]
    public void Jobs_of_a_system_daemon_on_another_socket_are_told_which()
    {
        var options = new EngineOptions { NonStandardSocket = "/srv/test/control.sock" };

        var env = JobEnvironment.ForProcess(options, "j", "", ProcessKind.PreStart, [], null);

        Assert.Equal("UPSTARTPS_SOCKET=/srv/test/control.sock", env[^1]);
        Assert.DoesNotContain(JobEnvironment.ForProcess(new EngineOptions(), "j", "", ProcessKind.Main, [], null), e => e.StartsWith("UPSTARTPS_SOCKET=", StringComparison.Ordinal));
    }

    [Fact]
    public void The_log_path_follows_the_job_and_instance_name_unless_console_is_not_log()
    {
        var h = new EngineHarness(new EngineOptions { LogDirectory = "/logs", AppArmorAvailable = false })
            .With(EngineHarness.Service("net/web") with { Instance = "$I" })
            .With(EngineHarness.Service("quiet") with { Console = ConsoleMode.None });

        _ = h.Start("net/web", true, "I=a/b");
        _ = h.Start("quiet");

        Assert.Equal("/logs/net_web-a_b.log", h.Processes.Spawns[0].LogPath);
        Assert.Null(h.Processes.Spawns[1].LogPath);
    }
}
