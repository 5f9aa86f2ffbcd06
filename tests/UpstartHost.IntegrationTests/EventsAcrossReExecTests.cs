using UpstartPS.Protocol;
using UpstartPS.Protocol.Client;
using UpstartPS.Protocol.Messages;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// Events across a re-exec (EngineCore.EventState.cs) against the real daemon: the events not yet finished and what
/// holds each go to the next program. An emit still waiting when the daemon re-executes is answered ReExecuted by the
/// old program; upstartctl and UpstartClient then `await` it from the next one, which answers when the handed-over
/// event finishes (EventFailed if a job it started failed). A `start on` that saw one operand before the exec sees
/// the other after it, and a job waiting in `starting` for the job its starting event started still waits.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class EventsAcrossReExecTests
{
    private static readonly TimeSpan Deadline = EventScenarios.Deadline;

    private static string SlowService(string gate, string then = "") =>
        "instance $K\nstart on go\nconsole none\n" + EventScenarios.GatedPreStart(gate, then) + "exec /bin/sleep 1000\n";

    /// <summary>Status from the program after a re-exec, on a connection of its own (the fixture's may still carry a cut emit).</summary>
    private static async Task<IReadOnlyList<JobInfo>> StatusFromNextProgramAsync(DaemonFixture d, string job)
    {
        var options = new UpstartClientOptions { SocketPath = d.SocketPath };
        await UpstartClient.WaitUntilAnsweringAsync(options, Deadline);
        await using var probe = await UpstartClient.ConnectAsync(options);
        return await probe.StatusAsync(job);
    }

    /// <summary>
    /// Connections the daemon holds on its control socket: its end of each carries the socket's path in
    /// /proc/net/unix, connected (St 03); the listening socket is not. Client ends are unnamed.
    /// </summary>
    private static int ConnectionsTo(string socketPath) =>
        File.ReadLines("/proc/net/unix")
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length >= 8 && f[5] == "03" && f[7] == socketPath);

    /// <summary>Whether the gate was open when <paramref name="task"/> finished: an emit answered before its event finished returns while the pre-start still waits.</summary>
    private static async Task<(T Value, bool GateOpen)> NotingGateAsync<T>(Task<T> task, string gate)
    {
        var value = await task;
        return (value, File.Exists(gate));
    }

    private static async Task<bool> NotingGateAsync(Task task, string gate)
    {
        await task;
        return File.Exists(gate);
    }

    private static async Task ReExecAsync(DaemonFixture d)
    {
        var reExec = await d.RunCtlAsync(["re-exec"]);
        Assert.True(reExec.ExitCode == 0, reExec.Stderr + d.DaemonOutput);
    }

    [Fact]
    public async Task An_emit_waiting_through_a_re_exec_returns_when_its_event_finishes()
    {
        await using var d = DaemonFixture.Create();
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("svc", SlowService(gate));
        await d.StartAsync();
        var ctl = NotingGateAsync(d.RunCtlAsync(["emit", "go", "K=ctl"]), gate);
        var module = NotingGateAsync(d.Client.EmitAsync("go", ["K=module"], wait: true), gate);
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.StatusAsync("svc")).Count(j => j.State == "pre-start") == 2,
            "both instances to be in pre-start",
            Deadline);

        await ReExecAsync(d);

        // Both emitters wait on the next program (their `await`, on connections of their own; the fixture's own
        // connection ended with the exec) before the gate opens: one answered before its event finished returns now.
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(ConnectionsTo(d.SocketPath) >= 2 || ctl.IsCompleted || module.IsCompleted),
            "both emitters to wait on the next program",
            Deadline);
        Assert.False(ctl.IsCompleted || module.IsCompleted, "an emit returned while the job its event started was still in pre-start");
        var after = await StatusFromNextProgramAsync(d, "svc");
        Assert.Equal(["ctl pre-start", "module pre-start"], after.Select(j => $"{j.Instance} {j.State}").Order());
        Assert.False(ctl.IsCompleted || module.IsCompleted, "an emit returned while the job its event started was still in pre-start");
        await File.WriteAllTextAsync(gate, "");

        var (result, ctlGateOpen) = await ctl.WaitAsync(Deadline);
        Assert.True(result.ExitCode == 0, result.Stderr + d.DaemonOutput);
        Assert.True(ctlGateOpen, "upstartctl emit returned before its event finished");
        Assert.True(await module.WaitAsync(Deadline), "EmitAsync returned before its event finished");
        await d.ReconnectAsync();
        Assert.Equal(["ctl running", "module running"], (await d.Client.StatusAsync("svc")).Select(j => $"{j.Instance} {j.State}").Order());
        Assert.Contains("Re-executing", d.DaemonOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_emit_waiting_through_a_re_exec_fails_when_a_job_its_event_started_fails()
    {
        await using var d = DaemonFixture.Create();
        var gate = Path.Combine(d.Root, "gate");
        d.WriteJob("svc", SlowService(gate, then: "; exit 1"));
        await d.StartAsync();
        var ctl = d.RunCtlAsync(["emit", "go", "K=ctl"]);
        var module = d.Client.EmitAsync("go", ["K=module"], wait: true);
        await DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.StatusAsync("svc")).Count(j => j.State == "pre-start") == 2,
            "both instances to be in pre-start",
            Deadline);

        await ReExecAsync(d);
        Assert.Equal(2, (await StatusFromNextProgramAsync(d, "svc")).Count(j => j.State == "pre-start"));
        await File.WriteAllTextAsync(gate, "");

        var result = await ctl.WaitAsync(Deadline);
        Assert.True(result.ExitCode != 0, "upstartctl emit succeeded: " + result.Stdout + d.DaemonOutput);
        Assert.Equal("upstartctl: Event failed", result.Stderr.TrimEnd());
        var error = await Assert.ThrowsAsync<UpstartException>(() => module.WaitAsync(Deadline));
        Assert.Equal((UpstartErrorCode.EventFailed, "Event failed"), (error.Code, error.Message));
        await d.ReconnectAsync();
        Assert.DoesNotContain(await d.Client.StatusAsync("svc"), j => j.State == "running");
    }

    [Fact]
    public async Task A_start_on_that_saw_one_event_before_a_re_exec_starts_the_job_on_the_other_after_it()
    {
        await using var d = DaemonFixture.Create();
        var seen = await EventScenarios.HalfSatisfiedAsync(d);

        // Handled: the event is in the daemon's history (the re-exec request queues behind it anyway).
        using (var bound = new CancellationTokenSource(Deadline))
        {
            await foreach (var e in d.Client.WatchAsync(includeHistory: true, bound.Token))
            {
                if (e.Name == "a")
                {
                    break;
                }
            }
        }

        Assert.Equal("waiting", (await d.Client.StatusAsync("both")).Single().State);

        await ReExecAsync(d);
        await d.ReconnectAsync();

        await EventScenarios.StartsOnTheOtherEventAsync(d, seen);
    }

    [Fact]
    public async Task A_job_waiting_in_starting_for_the_job_its_starting_event_started_still_waits_after_a_re_exec()
    {
        await using var d = DaemonFixture.Create();
        var gate = await EventScenarios.WebWaitingForDbAsync(d);

        await ReExecAsync(d);
        await d.ReconnectAsync();

        await EventScenarios.WebStillWaitsForDbAsync(d, gate);

        // The next program's history: web left starting only once db, which its starting event started, was running.
        var started = new List<string>();
        using (var bound = new CancellationTokenSource(Deadline))
        {
            await foreach (var e in d.Client.WatchAsync(includeHistory: true, bound.Token))
            {
                if (e.Kind == "event" && e.Name == "started")
                {
                    started.Add(string.Join(' ', e.Environment));
                    if (started.Count == 2)
                    {
                        break;
                    }
                }
            }
        }

        Assert.Equal(["JOB=db INSTANCE=", "JOB=web INSTANCE="], started);
    }
}
