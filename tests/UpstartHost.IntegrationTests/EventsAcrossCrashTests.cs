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
    private static readonly TimeSpan Deadline = EventScenarios.Deadline;

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
        var seen = await EventScenarios.HalfSatisfiedAsync(d);
        await RecordedAsync(d, "\"kind\":\"start-on\"");

        await d.KillDaemonAsync();
        await d.StartAsync();

        await EventScenarios.StartsOnTheOtherEventAsync(d, seen);
    }

    [Fact]
    public async Task A_job_waiting_in_starting_for_the_job_its_starting_event_started_still_waits_after_a_crash()
    {
        await using var d = DaemonFixture.Create();
        var gate = await EventScenarios.WebWaitingForDbAsync(d);
        await RecordedAsync(d, "\"kind\":\"blocks\"");

        await d.KillDaemonAsync();
        await d.StartAsync();

        await EventScenarios.WebStillWaitsForDbAsync(d, gate);
    }
}
