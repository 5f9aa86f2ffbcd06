using System.Diagnostics;
using System.Globalization;
using UpstartHost.Engine;

namespace UpstartPS.Benchmarks.Supervision;

/// <summary>
/// `-- e2e supervision-start [starts] [console]`: time from a start request to the main process running
/// (`exec sleep 1000`; the request returns once the job is running, and the process layer reports a
/// spawn only after the helper has exec'd sleep), p50/p99 over 1,000 starts with an untimed stop
/// between. Console defaults to `log` (a pty and a log file per start, as a default job has); `none`
/// shows what the console costs. Target: p50 under 2 ms.
/// </summary>
public sealed class StartToRunningHarness : IEndToEndBenchmark
{
    public string Name => "supervision-start";

    public async Task<int> RunAsync(string[] args)
    {
        var starts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var console = args.Length > 1 ? args[1] : "log";
        await using var sv = await SupervisedEngine.StartAsync([("svc", $"console {console}\nexec sleep 1000\n")]).ConfigureAwait(false);
        var engine = sv.Engine;

        for (var i = 0; i < Math.Min(50, starts); i++)
        {
            await engine.StartAsync("svc", [], wait: true).ConfigureAwait(false);
            await engine.StopAsync("svc", [], wait: true).ConfigureAwait(false);
        }

        var samples = new List<long>(starts);
        for (var i = 0; i < starts; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var snapshot = await engine.StartAsync("svc", [], wait: true).ConfigureAwait(false);
            samples.Add(Stopwatch.GetTimestamp() - t);
            if (snapshot.State != JobState.Running)
            {
                throw new InvalidOperationException("svc is " + snapshot.State);
            }

            await engine.StopAsync("svc", [], wait: true).WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
        }

        Console.WriteLine(SupervisedEngine.Percentiles($"start request to main running (exec sleep, console {console})", samples));
        Console.WriteLine(SupervisedEngine.LoadAverage());
        return 0;
    }
}
