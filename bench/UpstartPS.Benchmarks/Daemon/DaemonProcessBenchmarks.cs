using System.Diagnostics;
using UpstartPS.TestSupport;

namespace UpstartPS.Benchmarks.Daemon;

/// <summary>`e2e upstartctl-status [N]`: `upstartctl status X` as a whole process (target &lt; 20 ms).</summary>
public sealed class CtlStatusProcess : IEndToEndBenchmark
{
    public string Name => "upstartctl-status";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var ctl = FindCtl();
        if (ctl is null)
        {
            Console.Error.WriteLine("upstartctl not found: run `dotnet build -c Release src/UpstartCtl` first");
            return 2;
        }

        await using var daemon = await BenchDaemon.StartAsync(1000);
        var samples = new List<double>(iterations);
        for (var i = 0; i < iterations + 3; i++)
        {
            var info = new ProcessStartInfo(ctl) { RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add("--socket");
            info.ArgumentList.Add(daemon.SocketPath);
            info.ArgumentList.Add("status");
            info.ArgumentList.Add("job0500");
            var t = Stopwatch.GetTimestamp();
            using var p = Process.Start(info)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            var elapsed = Percentiles.Micro(Stopwatch.GetTimestamp() - t);
            if (p.ExitCode != 0 || !output.StartsWith("job0500 ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"upstartctl failed: {p.ExitCode} {output}");
            }

            if (i >= 3)
            {
                samples.Add(elapsed);
            }
        }

        Console.WriteLine(Percentiles.Format("upstartctl status (whole process)", samples));
        return 0;
    }

    /// <summary>
    /// UPSTARTPS_BENCH_CTL (e.g. the ReadyToRun publish output), else next to the benchmarks, else the CLI
    /// project's own Release (then Debug) output in this checkout.
    /// </summary>
    private static string? FindCtl()
    {
        if (Environment.GetEnvironmentVariable("UPSTARTPS_BENCH_CTL") is { Length: > 0 } custom)
        {
            return File.Exists(custom) ? custom : null;
        }

        var candidates = new List<string> { Path.Combine(DaemonFixture.BinDirectory, "upstartctl") };
        for (var dir = new DirectoryInfo(DaemonFixture.BinDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UpstartPS.sln")))
            {
                candidates.Add(Path.Combine(dir.FullName, "src/UpstartCtl/bin/Release/net10.0/upstartctl"));
                candidates.Add(Path.Combine(dir.FullName, "src/UpstartCtl/bin/Debug/net10.0/upstartctl"));
                break;
            }
        }

        return candidates.FirstOrDefault(File.Exists);
    }
}

/// <summary>`e2e daemon-cold-start [N]`: process start to READY=1 with 1,000 job files (target &lt; 150 ms), and idle RSS (target &lt; 25 MiB).</summary>
public sealed class DaemonColdStart : IEndToEndBenchmark
{
    public string Name => "daemon-cold-start";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var samples = new List<double>(runs);
        long rss = 0;

        // One fixture, started and stopped again on the same job files: the first start warms the page cache.
        await using var daemon = BenchDaemon.Create(1000);
        for (var i = 0; i < runs + 1; i++)
        {
            await daemon.StartAsync();
            if (i > 0)
            {
                samples.Add(daemon.StartToReady.TotalMicroseconds);
            }

            if (i == runs)
            {
                // Idle: let start-up garbage be collected and the status loop settle.
                await Task.Delay(TimeSpan.FromSeconds(3));
                rss = BenchDaemon.RssKiB(daemon);
            }

            var code = await daemon.StopAsync();
            if (code != 0)
            {
                throw new InvalidOperationException($"daemon exited {code}:\n{daemon.DaemonOutput}");
            }
        }

        Console.WriteLine(Percentiles.Format("cold start to READY=1 (1,000 job files)", samples));
        Console.WriteLine($"idle RSS with 1,000 jobs: {rss / 1024.0:F1} MiB");
        return 0;
    }
}
