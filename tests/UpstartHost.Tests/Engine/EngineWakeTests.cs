using System.Collections.Immutable;
using System.Text;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Logging;
using UpstartHost.Tests.Supervision;

namespace UpstartHost.Tests.Engine;

/// <summary>
/// The daemon's dedicated threads (the engine, the log writer) are woken by whoever posts to their queue,
/// not by a thread-pool work item: supervision and job output go on while every pool thread is busy, and a
/// message costs no hop through the pool (docs/performance.md). Alone in their collection: each keeps the
/// whole pool busy for a moment.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class EngineWakeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_message_posted_while_every_pool_thread_is_blocked_is_still_handled()
    {
        var processes = new FakeProcessLayer();
        await using var engine = new JobEngine(new EngineOptions { AppArmorAvailable = false }, processes, new FakeClock(), new CapturingLogger<JobEngine>());
        processes.Sink = engine;
        engine.Start();
        await engine.ApplyCatalogAsync(new JobCatalog(ImmutableDictionary<string, JobClassConfig>.Empty.Add("web", EngineHarness.Service("web")), []))
            .WaitAsync(TimeSpan.FromSeconds(10));
        using var handled = new ManualResetEventSlim();
        engine.Notification += n =>
        {
            if (n.Job == "web" && n.Goal == JobGoal.Start)
            {
                handled.Set();
            }
        };

        using (BlockEveryPoolThread())
        {
            var poster = new Thread(() => _ = engine.StartAsync("web", [], wait: false)) { IsBackground = true };
            poster.Start();
            Assert.True(handled.Wait(Bound), "the engine did not handle the start while the pool was busy");
            Assert.True(poster.Join(Bound));
        }
    }

    [Fact]
    public void Job_output_queued_while_every_pool_thread_is_blocked_is_still_written()
    {
        var dir = Directory.CreateTempSubdirectory("ups-wake-").FullName;
        try
        {
            using var writer = new JobLogWriter(new CapturingLoggerFactory().CreateLogger("w"));
            var path = Path.Combine(dir, "web.log");
            using (BlockEveryPoolThread())
            {
                Task? flushed = null;
                var poster = new Thread(() =>
                {
                    writer.TryAppend(path, Encoding.UTF8.GetBytes("hello\n"));
                    flushed = writer.FlushAsync();
                }) { IsBackground = true };
                poster.Start();
                Assert.True(poster.Join(Bound));

                // Blocking on purpose: awaiting would need a pool thread to run the rest of the test.
#pragma warning disable xUnit1031
                Assert.True(flushed!.Wait(Bound), "the log writer did not write while the pool was busy");
#pragma warning restore xUnit1031
            }

            Assert.Equal("hello\n", File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// More blocked work items than the pool has threads, until disposed: anything queued behind them waits
    /// for the pool to add a thread per blocked item (about two a second), far longer than <see cref="Bound"/>.
    /// </summary>
    private static Releaser BlockEveryPoolThread()
    {
        var release = new ManualResetEventSlim();
        var blockers = ThreadPool.ThreadCount + 64;
        for (var i = 0; i < blockers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(r => r.Wait(TimeSpan.FromSeconds(60)), release, preferLocal: false);
        }

        return new Releaser(release);
    }

    private sealed class Releaser(ManualResetEventSlim release) : IDisposable
    {
        // Not disposed: blocked items still hold it until each gets a thread and sees it set.
        public void Dispose() => release.Set();
    }
}
