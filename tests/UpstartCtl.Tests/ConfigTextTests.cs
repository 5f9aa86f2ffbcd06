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
