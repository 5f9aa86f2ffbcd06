using System.Diagnostics;

namespace UpstartHost.IntegrationTests;

/// <summary>SIGTERM: runlevel 0 is emitted, every job stops honouring pre-stop and kill timeout, exit 0.</summary>
[Collection(RealDaemonTests.Name)]
public class ShutdownTests
{
    [Fact]
    public async Task SIGTERM_stops_every_job_runs_pre_stop_and_exits_0()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("svc", "start on runlevel [2345]\nstop on runlevel [!2345]\npre-stop exec /bin/echo pre-stop ran\nexec /bin/sleep 1000\n");
            d.WriteJob("plain", "start on startup\nexec /bin/sleep 1000\n");
            d.WriteJob("farewell", "start on runlevel RUNLEVEL=0\ntask\nexec /bin/echo runlevel 0 seen\n");
            await d.StartAsync();
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.ListAsync()).Count(j => j.State == "running") == 2, "both services");
            Assert.Equal(2, d.JobProcesses().Count);

            Assert.Equal(0, await d.StopAsync());
            Assert.Empty(d.JobProcesses());
            Assert.Contains("pre-stop ran", d.ReadLog("svc"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_tasks_the_shutdown_runlevel_starts_run_to_their_end_before_every_job_is_stopped()
    {
        // Upstart's shutdown: `runlevel 0` starts Ubuntu's rc (the System V kill scripts) and `start on runlevel
        // [06]` tasks, and nothing kills them halfway; a job with `stop on starting rc RUNLEVEL=[016]` stops first.
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("db", "start on runlevel [2345]\nstop on starting rc RUNLEVEL=[016]\nexec /bin/sleep 1000\n");
            d.WriteJob("rc", "start on runlevel [0123456]\nstop on runlevel [!$RUNLEVEL]\nexport RUNLEVEL\ntask\nexec /bin/sh -c 'sleep 0.3; echo rc $RUNLEVEL done'\n");
            d.WriteJob("save-state", "start on runlevel [06]\ntask\nexec /bin/sh -c 'sleep 0.3; echo state saved'\n");
            await d.StartAsync();
            await DaemonFixture.WaitUntilAsync(
                async () => d.ReadLog("rc").Contains("rc 2 done", StringComparison.Ordinal) && (await d.Client.StatusAsync("db")).Single().State == "running",
                "rc 2 to finish and db to run");

            Assert.Equal(0, await d.StopAsync());
            Assert.Empty(d.JobProcesses());
            Assert.Contains("rc 0 done", d.ReadLog("rc"), StringComparison.Ordinal);
            Assert.Equal("state saved\n", d.ReadLog("save-state"));
        }
    }

    [Fact]
    public async Task A_daemon_started_with_SIGTERM_ignored_still_stops_its_jobs_and_exits_0_on_SIGTERM()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            // An ignored disposition survives exec, and the NativeAOT runtime keeps it (the JIT one takes
            // SIGTERM back, so only the run against the native build fails without SignalLifetime's reset).
            // Left ignored, the service manager's SIGKILL would end the jobs without pre-stop or kill timeout.
            d.LaunchPrefix = LaunchPrefixes.IgnoringSignal("TERM");
            d.WriteJob("plain", "start on startup\nexec /bin/sleep 1000\n");
            await d.StartAsync();
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("plain")).Single().State == "running", "the job to run");

            Assert.Equal(0, await d.StopAsync());
            Assert.Empty(d.JobProcesses());
        }
    }

    [Fact]
    public async Task A_SIGTERM_the_moment_the_socket_answers_still_stops_every_job_and_exits_0()
    {
        // The daemon may still be emitting its boot events: the start must not be abandoned halfway,
        // or the jobs it started would outlive it (seen with the fast native build). Several rounds,
        // as the window is short.
        for (var round = 0; round < 5; round++)
        {
            var d = DaemonFixture.Create();
            await using (d)
            {
                foreach (var name in new[] { "a", "b", "c", "d" })
                {
                    d.WriteJob(name, "start on startup\nexec /bin/sleep 1000\n");
                }

                await d.StartAsync();
                Assert.Equal(0, await d.StopAsync());
                Assert.Empty(d.JobProcesses());
            }
        }
    }

    [Fact]
    public async Task A_job_that_ignores_SIGTERM_is_killed_after_its_kill_timeout_even_after_a_second_signal()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("stubborn", "start on startup\nkill timeout 2\nexec /bin/sh -c 'trap \"echo got TERM\" TERM; while :; do sleep 0.1; done'\n");
            await d.StartAsync();
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("stubborn")).Single().State == "running", "stubborn to run");

            var clock = Stopwatch.StartNew();
            Assert.Equal(0, await d.StopAsync(signals: 2));
            clock.Stop();

            Assert.Empty(d.JobProcesses());
            Assert.Contains("got TERM", d.ReadLog("stubborn"), StringComparison.Ordinal);

            // The second SIGTERM did not cut the 2 s kill timeout short.
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.8), $"exited after {clock.Elapsed}");
        }
    }
}
