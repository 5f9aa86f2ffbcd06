namespace UpstartHost.IntegrationTests;

/// <summary>
/// Events through a crash of the daemon (kill -9, then a new daemon on the same state directory): the state writer
/// records the events not yet finished with each burst, so the next daemon puts them back as a re-exec's does
/// (docs/daemon.md, "Events across a re-exec"): a `start on` that saw one operand still starts on the other, and a
/// job waiting in `starting` for the job its starting event started still waits for it.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class EventsAcrossCrashTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Until the runtime state file records <paramref name="fragment"/>: the writer runs after each burst, off the engine thread.</summary>
    private static Task RecordedAsync(DaemonFixture d, string fragment) =>
        DaemonFixture.WaitUntilAsync(
            () =>
            {
                var path = Path.Combine(d.StateDir, "instances.json");
                return Task.FromResult(File.Exists(path) && File.ReadAllText(path).Contains(fragment, StringComparison.Ordinal));
            },
            "the state file to record " + fragment,
            Deadline);

    [Fact]
    public async Task A_start_on_that_saw_one_event_before_a_crash_starts_the_job_on_the_other_after_it()
    {
        await using var d = DaemonFixture.Create();
        var seen = Path.Combine(d.Root, "seen");
        d.WriteJob("both", $"start on (a and b)\nconsole none\nscript\n  echo \"$UPSTART_EVENTS $X\" > {seen}\n  exec /bin/sleep 1000\nend script\n");
        await d.StartAsync();
        var emitA = await d.RunCtlAsync(["emit", "--no-wait", "a", "X=1"]);
        Assert.True(emitA.ExitCode == 0, emitA.Stderr);
        await RecordedAsync(d, "\"kind\":\"start-on\"");

        await d.KillDaemonAsync();
        await d.StartAsync();
        var emitB = await d.RunCtlAsync(["emit", "b"]);

        Assert.True(emitB.ExitCode == 0, emitB.Stderr + d.DaemonOutput);
        Assert.Equal(("start", "running"), (await d.Client.StatusAsync("both")).Select(j => (j.Goal, j.State)).Single());
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(File.Exists(seen) && File.ReadAllText(seen).EndsWith('\n')),
            "the job to write what it saw",
            Deadline);
        Assert.Equal("a b 1\n", await File.ReadAllTextAsync(seen));
    }

    [Fact]
    public async Task A_job_waiting_in_starting_for_the_job_its_starting_event_started_still_waits_after_a_crash()
    {
        await using var d = DaemonFixture.Create();
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("web", "console none\nexec /bin/sleep 1000\n");
        d.WriteJob(
            "db",
            $"start on starting web\nconsole none\npre-start exec /bin/sh -c 'i=0; while [ ! -e {gate} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'\nexec /bin/sleep 1000\n");
        await d.StartAsync();
        var start = await d.RunCtlAsync(["start", "--no-wait", "web"]);
        Assert.True(start.ExitCode == 0, start.Stderr);
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.StatusAsync("db")).Single().State == "pre-start",
            "db to be in pre-start",
            Deadline);
        await RecordedAsync(d, "\"kind\":\"blocks\"");

        await d.KillDaemonAsync();
        await d.StartAsync();

        Assert.Equal(("start", "starting"), (await d.Client.StatusAsync("web")).Select(j => (j.Goal, j.State)).Single());
        Assert.Equal(("start", "pre-start"), (await d.Client.StatusAsync("db")).Select(j => (j.Goal, j.State)).Single());
        await File.WriteAllTextAsync(gate, "");
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.ListAsync()).Count(j => j.Name is "web" or "db" && j.State == "running") == 2,
            "web and db to be running",
            Deadline);
    }
}
