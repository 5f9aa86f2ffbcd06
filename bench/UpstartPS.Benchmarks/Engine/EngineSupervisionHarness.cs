using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartPS.Benchmarks.Engine;

/// <summary>
/// `-- e2e engine [starts] [kills] [services] [log|none]`: the engine with the real process layer (issue 3's
/// performance list). Start request to running (`exec sleep`), p50/p99; respawn latency after kill -9
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
        var logs = Directory.CreateTempSubdirectory("upstartps-bench-").FullName;
        ProcessLayer? layer = null;
        var engine = new JobEngine(
            new EngineOptions { LogDirectory = logs, AppArmorAvailable = false },
            sink => layer = new ProcessLayer(sink),
            new SystemEngineClock(),
            NullLogger<JobEngine>.Instance);
        engine.Start();
        try
        {
            var jobs = new Dictionary<string, JobClassConfig>
            {
                ["svc"] = Parse("svc", console + "exec sleep 1000\n"),
                ["resp"] = Parse("resp", console + "respawn\nrespawn limit unlimited\nexec sleep 1000\n"),
            };
            for (var i = 0; i < services; i++)
            {
                jobs["fleet" + i] = Parse("fleet" + i, console + "start on fleet-up\nstop on fleet-down\nexec sleep 1000\n");
            }

            await engine.ApplyCatalogAsync(new JobCatalog(jobs.ToImmutableDictionary(), [])).ConfigureAwait(false);

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
                layer!.SignalGroup(pid, 9);
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
        finally
        {
            await engine.StopAllAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
            layer?.Dispose();
            Directory.Delete(logs, recursive: true);
        }
    }

    private static JobClassConfig Parse(string name, string text) =>
        JobFileParser.Parse(name, "/bench/" + name + ".conf", text).Config
            ?? throw new InvalidOperationException("bad benchmark job " + name);

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

    private static void Report(string what, double[] millis)
    {
        Array.Sort(millis);
        double At(double q) => millis[Math.Min(millis.Length - 1, (int)(q * millis.Length))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: n={millis.Length} p50={At(0.50):F3} ms p99={At(0.99):F3} ms"));
    }
}
