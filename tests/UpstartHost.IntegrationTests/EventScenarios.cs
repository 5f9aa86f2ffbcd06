namespace UpstartHost.IntegrationTests;

/// <summary>
/// The two event states a daemon restart must keep, set up and checked the same way whether the restart is a
/// re-exec (EventsAcrossReExecTests) or a crash (EventsAcrossCrashTests): a `start on (a and b)` that has seen `a`,
/// and `web` waiting in `starting` for `db`, which its starting event started and whose pre-start waits on a gate.
/// </summary>
internal static class EventScenarios
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A pre-start that waits (bounded) for <paramref name="gate"/> to exist, then runs <paramref name="then"/>.</summary>
    public static string GatedPreStart(string gate, string then = "") =>
        $"pre-start exec /bin/sh -c 'i=0; while [ ! -e {gate} ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done{then}'\n";

    /// <summary>Job `both` (`start on (a and b)`), which writes what it saw to the returned file; `a X=1` emitted without waiting.</summary>
    public static async Task<string> HalfSatisfiedAsync(DaemonFixture d)
    {
        var seen = Path.Combine(d.Root, "seen");
        d.WriteJob("both", $"start on (a and b)\nconsole none\nscript\n  echo \"$UPSTART_EVENTS $X\" > {seen}\n  exec /bin/sleep 1000\nend script\n");
        await d.StartAsync();
        var emitA = await d.RunCtlAsync(["emit", "--no-wait", "a", "X=1"]);
        Assert.True(emitA.ExitCode == 0, emitA.Stderr);
        return seen;
    }

    /// <summary>After the restart: `b` starts `both`, which saw both events and `a`'s variable.</summary>
    public static async Task StartsOnTheOtherEventAsync(DaemonFixture d, string seen)
    {
        var emitB = await d.RunCtlAsync(["emit", "b"]);
        Assert.True(emitB.ExitCode == 0, emitB.Stderr + d.DaemonOutput);

        Assert.Equal(("start", "running"), (await d.Client.StatusAsync("both")).Select(j => (j.Goal, j.State)).Single());
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(File.Exists(seen) && File.ReadAllText(seen).EndsWith('\n')),
            "the job to write what it saw",
            Deadline);
        Assert.Equal("a b 1\n", await File.ReadAllTextAsync(seen));
    }

    /// <summary>Jobs `web` and `db` (`start on starting web`, gated pre-start); `web` started without waiting, until db is in pre-start. Returns the gate.</summary>
    public static async Task<string> WebWaitingForDbAsync(DaemonFixture d)
    {
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("web", "console none\nexec /bin/sleep 1000\n");
        d.WriteJob("db", "start on starting web\nconsole none\n" + GatedPreStart(gate) + "exec /bin/sleep 1000\n");
        await d.StartAsync();
        var start = await d.RunCtlAsync(["start", "--no-wait", "web"]);
        Assert.True(start.ExitCode == 0, start.Stderr);
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.StatusAsync("db")).Single().State == "pre-start",
            "db to be in pre-start",
            Deadline);
        Assert.Equal(("start", "starting"), (await d.Client.StatusAsync("web")).Select(j => (j.Goal, j.State)).Single());
        return gate;
    }

    /// <summary>After the restart: web still waits in starting until db, let through the gate, runs; then both run.</summary>
    public static async Task WebStillWaitsForDbAsync(DaemonFixture d, string gate)
    {
        Assert.Equal(("start", "starting"), (await d.Client.StatusAsync("web")).Select(j => (j.Goal, j.State)).Single());
        Assert.Equal(("start", "pre-start"), (await d.Client.StatusAsync("db")).Select(j => (j.Goal, j.State)).Single());
        await File.WriteAllTextAsync(gate, "");
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.ListAsync()).Count(j => j.Name is "web" or "db" && j.State == "running") == 2,
            "web and db to be running",
            Deadline);
    }
}
