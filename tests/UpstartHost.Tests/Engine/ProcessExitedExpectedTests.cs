using Upstart.JobFiles.Model;
using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// process-exited's EXPECTED: no when, by the job's own rules, the exit fails or respawns the job or a script failed;
/// yes when the daemon was ending the process or it ended as the job defines success. So an alert job can
/// `start on process-exited EXPECTED=no` and hear of crashes, not of every stop.
/// </summary>
public sealed class ProcessExitedExpectedTests
{
    private const string Service = "exec /bin/sleep 100\n";

    private static string ExpectedOf(EngineHarness h, string process) =>
        h.EventLines(JobEvents.ProcessExited).Single(l => l.Contains("PROCESS=" + process + " ", StringComparison.Ordinal)).Split(' ')[^1];

    [Fact]
    public void A_main_process_ended_by_a_stop_was_expected()
    {
        var h = new EngineHarness().Load("test", "respawn\n" + Service);
        _ = h.Start();

        h.StopAndReap();

        Assert.Equal("EXPECTED=yes", ExpectedOf(h, "main"));
    }

    [Theory]
    [InlineData("respawn\n", 9 << 8, "EXPECTED=no")]
    [InlineData("respawn\n", 0, "EXPECTED=no")]
    [InlineData("respawn\nnormal exit 0 TERM\n", 0, "EXPECTED=yes")]
    [InlineData("respawn\nnormal exit 0 TERM\n", 15 << 8, "EXPECTED=yes")]
    [InlineData("respawn\nnormal exit 0 TERM\n", 1, "EXPECTED=no")]
    [InlineData("", 0, "EXPECTED=yes")]
    [InlineData("", 2, "EXPECTED=no")]
    [InlineData("normal exit 2\n", 2, "EXPECTED=yes")]
    [InlineData("task\n", 0, "EXPECTED=yes")]
    [InlineData("task\n", 3, "EXPECTED=no")]
    public void A_main_process_that_ended_on_its_own_is_expected_as_the_job_s_rules_say(string stanzas, int status, string expected)
    {
        var h = new EngineHarness().Load("test", stanzas + Service);
        _ = h.Start(wait: false);

        if ((status & 0xff00) != 0)
        {
            h.KillWith(ProcessKind.Main, status >> 8);
        }
        else
        {
            h.Exit(ProcessKind.Main, status);
        }

        Assert.Equal(expected, ExpectedOf(h, "main"));
    }

    [Theory]
    [InlineData("pre-start", 0, "EXPECTED=yes")]
    [InlineData("pre-start", 1, "EXPECTED=no")]
    [InlineData("post-start", 4, "EXPECTED=no")]
    public void A_script_is_expected_when_it_ends_with_status_0(string process, int status, string expected)
    {
        var h = new EngineHarness().Load("test", $"{process} exec /bin/true\n" + Service);
        _ = h.Start(wait: false);

        h.Exit(ProcessKindNames.TryParse(process, out var kind) ? kind : throw new ArgumentException(process), status);

        Assert.Equal(expected, ExpectedOf(h, process));
    }
}
