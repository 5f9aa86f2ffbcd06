using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class OutputObjectTests
{
    [Fact]
    public void A_job_has_one_pid_property_per_process_kind()
    {
        var job = new UpstartJob(new JobInfo
        {
            Name = "web",
            Goal = "start",
            State = "post-start",
            HasInstance = true,
            Processes = [new("main", 10), new("post-start", 11)],
        });
        Assert.Equal(10, job.MainPid);
        Assert.Equal(11, job.PostStartPid);
        Assert.Null(job.PreStartPid);
        Assert.Equal("main:10 post-start:11", job.Processes);
        Assert.Equal(10, job.ProcessId);
    }

    [Fact]
    public void A_job_reads_as_name_and_instance_and_sorts_by_them()
    {
        var tty2 = new UpstartJob(new JobInfo { Name = "tty", Instance = "tty2" });
        var tty1 = new UpstartJob(new JobInfo { Name = "tty", Instance = "tty1" });
        var api = new UpstartJob(new JobInfo { Name = "api" });
        Assert.Equal("tty (tty2)", tty2.ToString());
        Assert.Equal("api", api.ToString());
        Assert.Equal([api, tty1, tty2], new[] { tty2, tty1, api }.Order());
    }

    [Fact]
    public void Configuration_flattens_processes_and_lists_overridden_stanzas()
    {
        var config = new UpstartJobConfiguration(new JobConfigInfo
        {
            Name = "web",
            Processes = new Dictionary<string, string> { ["main"] = "exec /usr/bin/web", ["pre-start"] = "script\necho hi\nend script" },
            Provenance = new Dictionary<string, string> { ["start on"] = "override", ["exec"] = "conf", ["env"] = "override" },
        });
        Assert.Equal("exec /usr/bin/web", config.Main);
        Assert.StartsWith("script", config.PreStart, StringComparison.Ordinal);
        Assert.Null(config.PostStop);
        Assert.Equal(["env", "start on"], config.OverriddenStanzas);
        Assert.Equal(["env=override", "exec=conf", "start on=override"], config.Provenance);
        Assert.Empty(config.Withheld);
    }

    [Fact]
    public void Configuration_says_what_the_daemon_withheld()
    {
        var config = new UpstartJobConfiguration(new JobConfigInfo { Name = "secret", Withheld = ["env", "processes"] });

        Assert.Equal(["env", "processes"], config.Withheld);
        Assert.Empty(config.Environment);
        Assert.Null(config.Main);
    }

    [Fact]
    public void An_environment_variable_reads_as_list_env_prints_it_and_says_which_table_it_is_from()
    {
        var global = new UpstartEnvironmentVariable("PATH", "/usr/bin", null, null);
        var single = new UpstartEnvironmentVariable("PORT", "80", "web", null);
        Assert.Equal("PATH=/usr/bin", global.ToString());
        Assert.Null(global.Job);
        Assert.Null(global.Instance);
        Assert.Equal("web", single.Job);
        Assert.Equal("", single.Instance);
    }

    [Fact]
    public void Environment_variables_sort_global_first_then_by_job_instance_and_name()
    {
        var term = new UpstartEnvironmentVariable("TERM", "linux", null, null);
        var path = new UpstartEnvironmentVariable("PATH", "/bin", null, null);
        var alpha = new UpstartEnvironmentVariable("NAME", "alpha", "worker", "alpha");
        var beta = new UpstartEnvironmentVariable("NAME", "beta", "worker", "beta");
        var web = new UpstartEnvironmentVariable("A", "1", "web", null);
        Assert.Equal([path, term, web, alpha, beta], new[] { beta, web, term, alpha, path }.Order());
    }

    [Fact]
    public void Events_and_log_lines_carry_local_time()
    {
        var time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Assert.Equal(time.LocalDateTime, new UpstartEvent(new EventInfo { Name = "x", Time = time }).Time);
        Assert.Equal(time.LocalDateTime, new UpstartLogLine(new LogLineInfo(time, "web", "", "hello")).Time);
    }

    [Fact]
    public void An_event_reads_as_initctl_prints_it() =>
        Assert.Equal("started JOB=web INSTANCE=", new UpstartEvent(new EventInfo { Name = "started", Environment = ["JOB=web", "INSTANCE="] }).ToString());

    [Fact]
    public void A_configuration_problem_reads_as_check_config_prints_it_with_its_job_in_front()
    {
        var onEvent = new UpstartJobConfigurationProblem(new CheckConfigItem("web", "start on", "event", "mounted"));
        Assert.Equal("Event", onEvent.Kind);
        Assert.Equal("web: start on: unknown event mounted", onEvent.ToString());
        var onJob = new UpstartJobConfigurationProblem(new CheckConfigItem("api", "stop on", "job", "ghost"));
        Assert.Equal(("api", "stop on", "Job", "ghost"), (onJob.Job, onJob.Stanza, onJob.Kind, onJob.Unknown));
        Assert.Equal("api: stop on: unknown job ghost", onJob.ToString());
    }

    [Fact]
    public void A_diagnostic_reads_as_check_prints_it()
    {
        var diagnostic = new UpstartJobFileDiagnostic(new DiagnosticInfo("/etc/init/a.conf", 3, 1, "unknown-stanza", "Unknown stanza", "warning"));
        Assert.Equal("/etc/init/a.conf:3:1: unknown-stanza: Unknown stanza", diagnostic.ToString());
        Assert.Equal("Warning", diagnostic.Severity);
    }
}
