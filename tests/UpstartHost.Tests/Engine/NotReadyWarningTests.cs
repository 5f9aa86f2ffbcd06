using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// An `expect` job whose main process never does what `expect` waits for stays in spawned for ever, as in Upstart;
/// the daemon says so once in its log (EngineOptions.NotReadyWarningAfter), and says nothing for a job that becomes
/// ready in time, one being stopped, or one without `expect`.
/// </summary>
public sealed class NotReadyWarningTests
{
    private static readonly TimeSpan After = new EngineOptions().NotReadyWarningAfter;

    private static EngineHarness Started(ExpectMode expect)
    {
        var h = new EngineHarness().With(EngineHarness.Service() with { Expect = expect });
        _ = h.Start(wait: false);
        return h;
    }

    private static List<string> Warnings(EngineHarness h) =>
        [.. h.Log.Entries.Select(e => e.Message).Where(m => m.Contains("still in spawned", StringComparison.Ordinal))];

    private static void Wait(EngineHarness h, TimeSpan time)
    {
        h.Clock.Advance(time);
        h.Pump();
    }

    [Theory]
    [InlineData(ExpectMode.Stop, "`expect stop` waits for its main process to stop itself with SIGSTOP")]
    [InlineData(ExpectMode.Fork, "`expect fork` waits for its main process to fork and exit")]
    [InlineData(ExpectMode.Daemon, "`expect daemon` waits for its main process to fork twice, each parent exiting")]
    public void A_job_left_in_spawned_is_warned_about_once_after_the_time_and_stays_there(ExpectMode expect, string waitsFor)
    {
        var h = Started(expect);
        Wait(h, After - TimeSpan.FromMilliseconds(1));
        Assert.Empty(Warnings(h));

        Wait(h, TimeSpan.FromMilliseconds(1));
        Wait(h, After * 10);

        Assert.Equal(
            [$"test is still in spawned after {(long)After.TotalSeconds}s: {waitsFor}; a program that stays in the foreground never does, and the job waits there for ever (docs/migrating.md)"],
            Warnings(h));
        Assert.Equal("start/spawned", h.Status());
    }

    [Fact]
    public void A_job_ready_in_time_is_not_warned_about_and_leaves_no_timer()
    {
        var h = Started(ExpectMode.Fork);
        var pid = h.Pid(ProcessKind.Main);
        Wait(h, After / 2);

        h.Notice(new ProcessReady(pid, pid + 1));
        Wait(h, After * 2);

        Assert.Equal("start/running", h.Status());
        Assert.Empty(Warnings(h));
        Assert.Equal(0, h.Clock.PendingTimers);
    }

    [Fact]
    public void A_job_stopped_while_it_waits_is_not_warned_about()
    {
        var h = Started(ExpectMode.Daemon);
        var pid = h.Pid(ProcessKind.Main);

        _ = h.Core.Stop("test", [], wait: false);
        h.Pump();
        Wait(h, After * 2);

        Assert.Empty(Warnings(h));
        h.Notice(new ProcessExited(pid, 15 << 8, true));
        Assert.Equal("stop/waiting", h.Status());
        Assert.Equal(0, h.Clock.PendingTimers);
    }

    [Fact]
    public void A_job_without_expect_starts_no_timer_for_it()
    {
        var h = Started(ExpectMode.None);

        Assert.Equal("start/running", h.Status());
        Assert.Equal(0, h.Clock.PendingTimers);
    }

    [Fact]
    public void Each_spawn_has_its_own_warning()
    {
        var h = Started(ExpectMode.Stop);
        Wait(h, After);
        h.StopAndReap();
        Assert.Equal("stop/waiting", h.Status());

        _ = h.Start(wait: false);
        Wait(h, After);

        Assert.Equal(2, Warnings(h).Count);
    }
}
