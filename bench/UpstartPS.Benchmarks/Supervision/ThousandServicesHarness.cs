using System.Diagnostics;
using System.Globalization;
using UpstartHost.Engine;

namespace UpstartPS.Benchmarks.Supervision;

/// <summary>
/// `-- e2e supervision-1000 [services] [console]`: 1,000 services (`start on go`, `stop on halt`,
/// `exec sleep 1000`) started by one event: time from the emit to the last one running (after one untimed round); then one `halt`
/// event: time to the last `stopped`. End times are taken on the engine thread. Targets: all running
/// within 1.0 s (daemontools: 1.6 s here), all stopped within 0.4 s.
/// </summary>
public sealed class ThousandServicesHarness : IEndToEndBenchmark
{
    public string Name => "supervision-1000";

    public async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var console = args.Length > 1 ? args[1] : "log";
        var jobs = Enumerable.Range(0, count)
            .Select(i => ($"svc{i:D4}", $"console {console}\nstart on go\nstop on halt\nexec sleep 1000\n"));
        await using var sv = await SupervisedEngine.StartAsync(jobs).ConfigureAwait(false);

        // One untimed round first: JIT, thread start-up and the first ptys are not what is measured.
        await TimeUntil(sv, "go", count, n => n.Kind == NotificationKind.State && n.State == JobState.Running).ConfigureAwait(false);
        await TimeUntil(sv, "halt", count, n => n.Kind == NotificationKind.Event && n.Name == "stopped").ConfigureAwait(false);

        sv.SpawnTicks = 0;
        var up = await TimeUntil(sv, "go", count, n => n.Kind == NotificationKind.State && n.State == JobState.Running).ConfigureAwait(false);
        var spawning = sv.SpawnTicks * 1000.0 / Stopwatch.Frequency;
        var list = await sv.Engine.ListAsync().ConfigureAwait(false);
        var running = list.Count(s => s.State == JobState.Running && s.Processes.Count == 1);
        var down = await TimeUntil(sv, "halt", count, n => n.Kind == NotificationKind.Event && n.Name == "stopped").ConfigureAwait(false);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} services (console {console}) started by one event: all running after {up:0.0} ms ({running} running with a main process; {spawning:0.0} ms of it inside Spawn)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} services stopped by one event: all stopped after {down:0.0} ms"));
        Console.WriteLine(SupervisedEngine.LoadAverage());
        return 0;
    }

    /// <summary>Emits <paramref name="name"/> and returns the milliseconds until <paramref name="count"/> notifications matched.</summary>
    private static async Task<double> TimeUntil(SupervisedEngine sv, string name, int count, Func<UpstartHost.Engine.EngineNotification, bool> match)
    {
        var seen = 0;
        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        sv.Watch = n =>
        {
            if (match(n) && ++seen == count)
            {
                done.TrySetResult(Stopwatch.GetTimestamp());
            }
        };

        var t = Stopwatch.GetTimestamp();
        await sv.Engine.EmitAsync(name, [], wait: false).ConfigureAwait(false);
        var end = await done.Task.WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
        sv.Watch = null;
        return (end - t) * 1000.0 / Stopwatch.Frequency;
    }
}
