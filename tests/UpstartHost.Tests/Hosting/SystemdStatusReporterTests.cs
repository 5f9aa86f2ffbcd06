using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

public sealed class SystemdStatusReporterTests
{
    private sealed class RecordingNotifier(bool enabled = true) : ISystemdNotifier
    {
        private readonly List<string> sent = [];

        public bool IsEnabled => enabled;

        public IReadOnlyList<string> Sent
        {
            get
            {
                lock (sent)
                {
                    return [.. sent];
                }
            }
        }

        public void Notify(ServiceState state)
        {
            lock (sent)
            {
                sent.Add(state.ToString());
            }
        }
    }

    [Fact]
    public void SendStatus_formats_the_counts_systemctl_status_shows()
    {
        var notifier = new RecordingNotifier();
        var reporter = new SystemdStatusReporter(notifier, null, _ => Task.FromResult(new JobCounts(0, 0, 0)), NullLogger.Instance);
        reporter.SendStatus(new JobCounts(12, 1, 20));
        Assert.Equal(["STATUS=12 jobs running, 1 failed (20 loaded)"], notifier.Sent);
    }

    [Fact]
    public async Task Watchdog_pings_stop_for_good_once_the_engine_stops_answering()
    {
        var notifier = new RecordingNotifier();
        var answers = 0;
        var wedged = new TaskCompletionSource<JobCounts>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reporter = new SystemdStatusReporter(
            notifier,
            TimeSpan.FromMilliseconds(100),
            _ => Interlocked.Increment(ref answers) <= 3 ? Task.FromResult(new JobCounts(1, 0, 2)) : wedged.Task,
            NullLogger.Instance);

        // RunAsync returns by itself when a count request outlives the watchdog interval.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await reporter.RunAsync(bound.Token).WaitAsync(bound.Token);

        Assert.False(bound.IsCancellationRequested);
        Assert.Equal(3, notifier.Sent.Count(s => s == "WATCHDOG=1"));
        Assert.Equal(["STATUS=1 job running (2 loaded)"], notifier.Sent.Where(s => s.StartsWith("STATUS=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_change_sends_a_new_status_on_the_next_tick()
    {
        var notifier = new RecordingNotifier();
        var running = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        SystemdStatusReporter? reporter = null;
        reporter = new SystemdStatusReporter(
            notifier,
            TimeSpan.FromMilliseconds(100),
            _ =>
            {
                var sent = notifier.Sent.Count(s => s.StartsWith("STATUS=", StringComparison.Ordinal));
                if (sent == 1 && running == 0)
                {
                    running = 2;
                    reporter!.MarkChanged();
                }
                else if (sent == 2)
                {
                    stop.Cancel();
                }

                return Task.FromResult(new JobCounts(running, 0, 2));
            },
            NullLogger.Instance);

        await reporter.RunAsync(stop.Token);

        Assert.Equal(
            ["STATUS=0 jobs running (2 loaded)", "STATUS=2 jobs running (2 loaded)"],
            notifier.Sent.Where(s => s.StartsWith("STATUS=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_a_service_manager_it_sends_nothing()
    {
        var notifier = new RecordingNotifier(enabled: false);
        var reporter = new SystemdStatusReporter(notifier, TimeSpan.FromMilliseconds(50), _ => Task.FromResult(new JobCounts(0, 0, 0)), NullLogger.Instance);
        await reporter.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(notifier.Sent);
    }

    [Theory]
    [InlineData("4000000", null, 4000)]
    [InlineData("4000000", "77", 4000)]
    [InlineData("4000000", "78", null)]
    [InlineData("-5", null, null)]
    [InlineData("abc", null, null)]
    [InlineData("99999999999999999999", null, null)]
    [InlineData(null, null, null)]
    public void The_watchdog_interval_is_WATCHDOG_USEC_when_it_is_meant_for_us(string? usec, string? pid, int? expectedMs)
    {
        var interval = SystemdWatchdog.Interval(usec, pid, 77);
        Assert.Equal(expectedMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null, interval);
    }
}
