using System.Diagnostics;
using System.Globalization;

namespace UpstartPS.Benchmarks.Supervision;

/// <summary>
/// `-- e2e supervision-dispatch [rounds]`: one event dispatched with N job classes loaded (10 and 1,000)
/// of which 10 subscribe, with real processes: `emit ping` (waiting) starts the 10 subscribers and returns
/// when all run; `emit pong` stops them. Also an event nobody names. The engine-only figure, without
/// processes, is bench/…/Engine/EventDispatchBenchmarks. The point: the cost must not grow with the
/// classes that do not name the event.
/// </summary>
public sealed class DispatchHarness : IEndToEndBenchmark
{
    public string Name => "supervision-dispatch";

    public async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        foreach (var loaded in new[] { 10, 1000 })
        {
            var jobs = Enumerable.Range(0, loaded).Select(i => i < 10
                ? ($"sub{i}", "start on ping\nstop on pong\nexec sleep 1000\n")
                : ($"idle{i:D4}", $"start on other-{i}\nexec sleep 1000\n"));
            await using var sv = await SupervisedEngine.StartAsync(jobs).ConfigureAwait(false);
            var engine = sv.Engine;
            var ping = new List<long>(rounds);
            var nobody = new List<long>(rounds);
            for (var i = 0; i < rounds + 10; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await engine.EmitAsync("ping", [], wait: true).WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
                var pinged = Stopwatch.GetTimestamp() - t;
                await engine.EmitAsync("pong", [], wait: true).WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
                t = Stopwatch.GetTimestamp();
                await engine.EmitAsync("nobody-listens", [], wait: true).WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
                var unheard = Stopwatch.GetTimestamp() - t;
                if (i >= 10)
                {
                    ping.Add(pinged);
                    nobody.Add(unheard);
                }
            }

            Console.WriteLine(SupervisedEngine.Percentiles($"{loaded} classes loaded: emit ping until its 10 subscribers run", ping));
            Console.WriteLine(SupervisedEngine.Percentiles($"{loaded} classes loaded: emit of an event no class names", nobody));
        }

        Console.WriteLine(SupervisedEngine.LoadAverage());
        return 0;
    }
}
