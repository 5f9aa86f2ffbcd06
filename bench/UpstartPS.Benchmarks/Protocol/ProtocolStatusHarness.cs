using System.Diagnostics;
using System.Globalization;

namespace UpstartPS.Benchmarks.Protocol;

/// <summary>
/// `-- e2e protocol-status [samples]`: p50/p99 of a status round trip (and of list with 1,000 jobs) through
/// UpstartClient against the in-process ControlServer, timed one request at a time.
/// </summary>
public sealed class ProtocolStatusHarness : IEndToEndBenchmark
{
    public string Name => "protocol-status";

    public async Task<int> RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
        await using var fixture = await ProtocolFixture.StartAsync().ConfigureAwait(false);
        var client = fixture.Client;

        Report("status (1 of 1,000 jobs)", await MeasureAsync(samples, () => client.StatusAsync("service-0420")).ConfigureAwait(false));
        Report("list (1,000 jobs)", await MeasureAsync(Math.Max(100, samples / 50), () => client.ListAsync()).ConfigureAwait(false));
        return 0;
    }

    private static async Task<double[]> MeasureAsync<T>(int samples, Func<Task<T>> call)
    {
        for (var i = 0; i < Math.Min(samples, 5_000); i++)
        {
            await call().ConfigureAwait(false);
        }

        var micros = new double[samples];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call().ConfigureAwait(false);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        // CPU and allocation per round trip (client and server together) separate our own cost from waiting
        // for a busy machine's scheduler.
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / samples;
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)samples;
        Array.Sort(micros);
        return [cpu, allocated, .. micros];
    }

    private static void Report(string what, double[] measured)
    {
        var cpu = measured[0];
        var allocated = measured[1];
        var sorted = measured.AsSpan(2).ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{what}: n={sorted.Length} p50={At(0.50):0.0} µs p90={At(0.90):0.0} µs p99={At(0.99):0.0} µs max={sorted[^1]:0.0} µs cpu/op={cpu:0.0} µs alloc/op={allocated / 1024:0.00} KiB"));
    }
}
