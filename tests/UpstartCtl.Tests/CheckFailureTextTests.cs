using UpstartCtl.Formatting;
using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Tests;

public sealed class CheckFailureTextTests
{
    [Fact]
    public void A_refused_restart_prints_the_message_then_the_checks_lines_indented()
    {
        var check = new CheckFailureInfo { Job = "nginx", Result = "failed", ExitStatus = 1, Output = ["unknown directive \"lisen\"", "test failed"] };

        var lines = CheckFailureText.Format("restart", "Job not restarted: nginx pre-restart check terminated with status 1", check);

        Assert.Equal(
            ["restart: Job not restarted: nginx pre-restart check terminated with status 1", "  unknown directive \"lisen\"", "  test failed"],
            lines);
    }

    [Fact]
    public void A_check_without_output_prints_only_the_message()
    {
        var check = new CheckFailureInfo { Job = "nginx", Result = "unrunnable" };

        Assert.Single(CheckFailureText.Format("upstartctl", "Job not reloaded: nginx pre-restart check could not be run", check));
    }
}
