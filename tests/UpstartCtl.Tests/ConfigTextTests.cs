using UpstartCtl.Formatting;
using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Tests;

public class ConfigTextTests
{
    [Fact]
    public void Show_config_lists_emits_then_start_on_then_stop_on()
    {
        var text = ConfigText.ShowConfig(new JobConfigInfo
        {
            Name = "myjob",
            Emits = ["ev1", "ev2"],
            StartOn = "(A and (B or C var=2))",
            StopOn = "runlevel [!2345]",
        });
        Assert.Equal("myjob\n  emits ev1\n  emits ev2\n  start on (A and (B or C var=2))\n  stop on runlevel [!2345]", text);
    }

    [Theory]
    [InlineData(false, "web\n  stop on runlevel [!2345]")]
    [InlineData(true, "web\n  stop on runlevel (job:, env: [!2345])")]
    public void Show_config_of_a_disabled_job_has_no_start_on_as_a_manual_job_has_none(bool enumerate, string expected)
    {
        var job = new JobConfigInfo { Name = "web", StartOn = "runlevel [2345]", StopOn = "runlevel [!2345]", Disabled = true };

        Assert.Equal(expected, ConfigText.ShowConfig(job, enumerate));
        Assert.Contains("  start on runlevel [2345]", ConfigText.ShowConfig(job with { Disabled = false }), StringComparison.Ordinal);
    }

    [Fact]
    public void Show_config_enumerate_lists_each_operand_with_its_job_and_env_as_initctl_e_does()
    {
        var text = ConfigText.ShowConfig(
            new JobConfigInfo
            {
                Name = "myjob",
                Emits = ["ev1"],
                StartOn = "((starting A and (B or C var=2)) or stopped JOB=web RESULT=ok)",
                StopOn = "net-up IFACE=\"eth 0\" [2345]",
            },
            enumerate: true);
        Assert.Equal(
            "myjob\n  emits ev1\n"
            + "  start on starting (job: A, env:)\n"
            + "  start on B (job:, env:)\n"
            + "  start on C (job:, env: var=2)\n"
            + "  start on stopped (job: web, env: RESULT=ok)\n"
            + "  stop on net-up (job:, env: IFACE=\"eth 0\" [2345])",
            text);
    }

    [Fact]
    public void Show_config_enumerate_takes_no_job_from_a_job_event_whose_first_argument_is_a_variable()
    {
        var text = ConfigText.ShowConfig(new JobConfigInfo { Name = "j", StartOn = "started RESULT=ok" }, enumerate: true);
        Assert.Equal("j\n  start on started (job:, env: RESULT=ok)", text);
    }

    [Fact]
    public void Show_config_enumerate_lists_the_daemon_s_operands_with_their_arguments_raw_as_initctl_prints_them()
    {
        // The text alone would split wrongly: brackets and the word `and` inside a value.
        var text = ConfigText.ShowConfig(
            new JobConfigInfo
            {
                Name = "j",
                StartOn = "(started db and custom MSG=(a and b))",
                StartOnOperands = [["started", "db"], ["custom", "MSG=(a and b)", "or"]],
                StopOn = "stopping JOB=db",
                StopOnOperands = [["stopping", "JOB=db", "X=a b"]],
            },
            enumerate: true);

        Assert.Equal(
            "j\n  start on started (job: db, env:)\n  start on custom (job:, env: MSG=(a and b) or)\n  stop on stopping (job: db, env: X=a b)",
            text);
    }

    [Fact]
    public void Show_config_without_enumerate_prints_the_daemon_s_text_even_with_operands()
    {
        var text = ConfigText.ShowConfig(new JobConfigInfo { Name = "j", StartOn = "(a and b)", StartOnOperands = [["a"], ["b"]] });

        Assert.Equal("j\n  start on (a and b)", text);
    }

    [Fact]
    public void Check_config_groups_problems_under_the_job()
    {
        var text = ConfigText.CheckConfig([
            new CheckConfigItem("apple", "start on", "job", "grape"),
            new CheckConfigItem("apple", "stop on", "event", "peach"),
        ]);
        Assert.Equal("apple\n  start on: unknown job grape\n  stop on: unknown event peach", text);
    }

    [Fact]
    public void A_dry_run_reload_marks_added_changed_and_removed() =>
        Assert.Equal("+ a\n~ b\n- c", ConfigText.ConfigurationChange(new ConfigurationChange(["a"], ["b"], ["c"], [])));

    [Fact]
    public void A_dry_run_reload_prints_diagnostics_as_the_diagnostics_command_does() =>
        Assert.Equal(
            "~ b\n! /etc/init/bad.conf:5:15: unexpected-token: Unexpected token",
            ConfigText.ConfigurationChange(new ConfigurationChange([], ["b"], [], [new DiagnosticInfo("/etc/init/bad.conf", 5, 15, "unexpected-token", "Unexpected token")])));
}
