using System.Diagnostics;
using System.Globalization;
using UpstartHost.Engine;
using UpstartPS.Benchmarks.Supervision;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// `-- e2e engine [starts] [kills] [services] [log|none]`: the engine with the real process layer (issue 3's
/// performance list), on the same <see cref="SupervisedEngine"/> as the supervision harnesses. Start request to running (`exec sleep`), p50/p99; respawn latency after kill -9
/// (kill sent to `started` handled), p50/p99; time for N services started by one event to all be
/// running, and for one event to stop them all.
/// </summary>
public sealed class EngineSupervisionHarness : IEndToEndBenchmark
{
    public string Name => "engine";

    public async Task<int> RunAsync(string[] args)
    {
        var starts = Arg(args, 0, 1_000);
        var kills = Arg(args, 1, 200);
        var services = Arg(args, 2, 1_000);
        var console = args.Length > 3 && args[3] == "none" ? "console none\n" : "";
        var jobs = new List<(string Name, string Text)>
        {
            ("svc", console + "exec sleep 1000\n"),
            ("resp", console + "respawn\nrespawn limit unlimited\nexec sleep 1000\n"),
        };
        for (var i = 0; i < services; i++)
        {
            jobs.Add(("fleet" + i, console + "start on fleet-up\nstop on fleet-down\nexec sleep 1000\n"));
        }

        await using var sv = await SupervisedEngine.StartAsync(jobs).ConfigureAwait(false);
        var engine = sv.Engine;
        var startTimes = new double[starts];
        for (var i = 0; i < starts; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await engine.StartAsync("svc", [], wait: true).ConfigureAwait(false);
            startTimes[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            await engine.StopAsync("svc", [], wait: true).ConfigureAwait(false);
        }

        Report("start request to running", startTimes);

        TaskCompletionSource? started = null;
        engine.Notification += n =>
        {
            if (n is { Kind: NotificationKind.Event, Name: "started" } && n.Environment.Contains("JOB=resp"))
            {
                started?.TrySetResult();
            }
        };
        await engine.StartAsync("resp", [], wait: true).ConfigureAwait(false);
        var respawnTimes = new double[kills];
        for (var i = 0; i < kills; i++)
        {
            var pid = (await engine.ListAsync().ConfigureAwait(false)).Single(s => s.Name == "resp").Processes.Single().Pid;
            started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t = Stopwatch.GetTimestamp();
            sv.Processes.SignalGroup(pid, 9);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            respawnTimes[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        Report("respawn after kill -9", respawnTimes);

        var up = Stopwatch.GetTimestamp();
        await engine.EmitAsync("fleet-up", [], wait: true).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{services} services started by one event: all running in {Stopwatch.GetElapsedTime(up).TotalMilliseconds:F0} ms"));
        var down = Stopwatch.GetTimestamp();
        await engine.EmitAsync("fleet-down", [], wait: true).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{services} services stopped by one event: all stopped in {Stopwatch.GetElapsedTime(down).TotalMilliseconds:F0} ms"));
        return 0;
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    private static void Report(string what, double[] millis)
    {
        Array.Sort(millis);
        double At(double q) => millis[Math.Min(millis.Length - 1, (int)(q * millis.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: n={millis.Length} p50={At(0.50):F3} ms p99={At(0.99):F3} ms"));
    }
}
