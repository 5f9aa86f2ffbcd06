using System.Diagnostics;
using UpstartPS.TestSupport;

namespace UpstartPS.Benchmarks.Daemon;

/// <summary>
/// A real `upstart-host --session` with N generated job files for the end-to-end daemon harnesses, through the
/// one real-daemon fixture (tests/UpstartPS.TestSupport). Readiness is measured from systemd's READY=1 on a
/// private NOTIFY_SOCKET (<see cref="DaemonFixture.StartToReady"/>).
/// </summary>
internal static class BenchDaemon
{
    /// <summary>Writes <paramref name="jobs"/> job files (job0000…), starts the daemon and waits for READY=1.</summary>
    public static async Task<DaemonFixture> StartAsync(int jobs)
    {
        var daemon = Create(jobs);
        await daemon.StartAsync();
        return daemon;
    }

    /// <summary>The fixture with its job files written, not started.</summary>
    public static DaemonFixture Create(int jobs)
    {
        var daemon = DaemonFixture.Create();
        daemon.ReadyByNotify = true;

        // UPSTARTPS_BENCH_DAEMON: measure another build, e.g. the ReadyToRun publish output.
        if (Environment.GetEnvironmentVariable("UPSTARTPS_BENCH_DAEMON") is { Length: > 0 } custom)
        {
            daemon.Program = custom;
        }

        for (var i = 0; i < jobs; i++)
        {
            // A mix like a real /etc/init: services, tasks, chained jobs; none starts at boot.
            daemon.WriteJob($"job{i:D4}", (i % 3) switch
            {
                0 => $"description \"service {i}\"\nstart on bench-start-{i}\nstop on bench-stop-{i}\nrespawn\nexec /bin/sleep 1000\n",
                1 => $"description \"task {i}\"\nstart on started job{i - 1:D4}\ntask\nexec /bin/true\n",
                _ => $"description \"instance {i}\"\ninstance $N\nenv N=x\npre-start exec /bin/true\nexec /bin/sleep 1000\n",
            });
        }

        return daemon;
    }

    /// <summary>Resident set size of the daemon, in KiB (VmRSS).</summary>
    public static long RssKiB(DaemonFixture daemon)
    {
        foreach (var line in File.ReadLines($"/proc/{daemon.DaemonPid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}

/// <summary>Percentiles of a sample, printed the way every harness reports them.</summary>
internal static class Percentiles
{
    public static string Format(string what, List<double> microseconds)
    {
        microseconds.Sort();
        double P(double p) => microseconds[Math.Min(microseconds.Count - 1, (int)(p * microseconds.Count))];
        return $"{what}: n={microseconds.Count} p50={Show(P(0.50))} p90={Show(P(0.90))} p99={Show(P(0.99))} max={Show(microseconds[^1])}";
    }

    private static string Show(double us) => us >= 1000 ? $"{us / 1000:F2} ms" : $"{us:F1} µs";

    public static double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
