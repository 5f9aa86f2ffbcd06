using System.Diagnostics;

namespace UpstartPS.Benchmarks.Daemon;

/// <summary>`e2e daemon-status [N]`: status of one job through UpstartClient with 1,000 jobs loaded (target p50 &lt; 30 µs).</summary>
public sealed class DaemonStatusRoundTrip : IEndToEndBenchmark
{
    public string Name => "daemon-status";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        await using var daemon = await BenchDaemon.StartAsync(1000);
        var client = daemon.Client;
        for (var i = 0; i < 2000; i++)
        {
            await client.StatusAsync("job0500");
        }

        var samples = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await client.StatusAsync("job0500");
            samples.Add(Percentiles.Micro(Stopwatch.GetTimestamp() - t));
        }

        Console.WriteLine(Percentiles.Format("status round trip (1,000 jobs)", samples));
        return 0;
    }
}

/// <summary>`e2e daemon-list [N]`: list of 1,000 jobs through UpstartClient.</summary>
public sealed class DaemonListRoundTrip : IEndToEndBenchmark
{
    public string Name => "daemon-list";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
        await using var daemon = await BenchDaemon.StartAsync(1000);
        var client = daemon.Client;
        for (var i = 0; i < 50; i++)
        {
            await client.ListAsync();
        }

        var samples = new List<double>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var list = await client.ListAsync();
            samples.Add(Percentiles.Micro(Stopwatch.GetTimestamp() - t));
            if (list.Count < 1000)
            {
                throw new InvalidOperationException($"list returned {list.Count} jobs");
            }
        }

        Console.WriteLine(Percentiles.Format("list of 1,000 jobs", samples));
        return 0;
    }
}

/// <summary>`e2e daemon-start [N]`: start a service through UpstartClient until it is running (target p50 &lt; 3 ms).</summary>
public sealed class DaemonStartUntilRunning : IEndToEndBenchmark
{
    public string Name => "daemon-start";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 300;
        await using var daemon = await BenchDaemon.StartAsync(1000);
        var client = daemon.Client;
        var samples = new List<double>(iterations);
        for (var i = 0; i < iterations + 20; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var info = await client.StartAsync("job0300", wait: true);
            var elapsed = Percentiles.Micro(Stopwatch.GetTimestamp() - t);
            if (info.State != "running")
            {
                throw new InvalidOperationException("not running: " + info.State);
            }

            if (i >= 20)
            {
                samples.Add(elapsed);
            }

            // Stopped by its `stop on` event, not by an administrator: an admin stop is persisted, and the
            // next start would then include clearing that record (an fsync'd file write).
            await client.EmitAsync("bench-stop-300", wait: true);
            await DaemonStopped(client);
        }

        Console.WriteLine(Percentiles.Format("start until running", samples));
        return 0;
    }

    private static async Task DaemonStopped(UpstartPS.Protocol.Client.UpstartClient client)
    {
        while ((await client.StatusAsync("job0300")).Any(j => j.HasInstance))
        {
            await Task.Yield();
        }
    }
}
