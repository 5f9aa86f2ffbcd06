using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Benchmarks.Daemon;

/// <summary>
/// A real `upstart-host --session` in a temp directory with N generated job files, for the end-to-end
/// daemon harnesses. Readiness is measured from systemd's READY=1 on a private NOTIFY_SOCKET.
/// </summary>
internal sealed class BenchDaemon : IAsyncDisposable
{
    private readonly Process process;
    private readonly Socket notify;

    private BenchDaemon(string root, Process process, Socket notify, TimeSpan startToReady)
    {
        Root = root;
        this.process = process;
        this.notify = notify;
        StartToReady = startToReady;
    }

    public string Root { get; }

    public string SocketPath => Path.Combine(Root, "s.sock");

    public TimeSpan StartToReady { get; }

    public int Pid => process.Id;

    public static string BinDirectory => AppContext.BaseDirectory;

    /// <summary>Writes <paramref name="jobs"/> job files (job0000…), starts the daemon and waits for READY=1.</summary>
    public static async Task<BenchDaemon> StartAsync(int jobs, string? root = null)
    {
        root ??= Path.Combine("/tmp", "upsb-" + Guid.NewGuid().ToString("N")[..8]);
        var conf = Path.Combine(root, "init");
        if (!Directory.Exists(conf))
        {
            Directory.CreateDirectory(conf);
            for (var i = 0; i < jobs; i++)
            {
                // A mix like a real /etc/init: services, tasks, chained jobs; none starts at boot.
                var text = (i % 3) switch
                {
                    0 => $"description \"service {i}\"\nstart on bench-start-{i}\nstop on bench-stop-{i}\nrespawn\nexec /bin/sleep 1000\n",
                    1 => $"description \"task {i}\"\nstart on started job{i - 1:D4}\ntask\nexec /bin/true\n",
                    _ => $"description \"instance {i}\"\ninstance $N\nenv N=x\npre-start exec /bin/true\nexec /bin/sleep 1000\n",
                };
                await File.WriteAllTextAsync(Path.Combine(conf, $"job{i:D4}.conf"), text);
            }
        }

        var notifyPath = Path.Combine(root, "notify.sock");
        File.Delete(notifyPath);
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

        // UPSTARTPS_BENCH_DAEMON: measure another build, e.g. the ReadyToRun publish output.
        var daemonPath = Environment.GetEnvironmentVariable("UPSTARTPS_BENCH_DAEMON") is { Length: > 0 } custom
            ? custom
            : Path.Combine(BinDirectory, "upstart-host");
        var info = new ProcessStartInfo(daemonPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--session", "--confdir", conf, "--logdir", Path.Combine(root, "log"), "--state-dir", Path.Combine(root, "state"),
            "--socket", Path.Combine(root, "s.sock"), "--config", Path.Combine(root, "host.json") })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["NOTIFY_SOCKET"] = notifyPath;
        var clock = Stopwatch.StartNew();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine("daemon: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var n = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (Encoding.UTF8.GetString(buffer, 0, n).Contains("READY=1", StringComparison.Ordinal))
            {
                break;
            }
        }

        clock.Stop();
        return new BenchDaemon(root, process, notify, clock.Elapsed);
    }

    public Task<UpstartClient> ConnectAsync() => UpstartClient.ConnectAsync(SocketPath);

    /// <summary>Resident set size of the daemon, in KiB (VmRSS).</summary>
    public long RssKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _ = kill(process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        notify.Dispose();
    }

    public void DeleteFiles() => Directory.Delete(Root, recursive: true);

    [DllImport("libc")]
    private static extern int kill(int pid, int signal);
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
