using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using UpstartHost.Engine;
using UpstartHost.Processes;

namespace UpstartPS.Benchmarks.Supervision;

/// <summary>
/// The daemon's supervision core without its socket: a real <see cref="JobEngine"/> driving a real
/// <see cref="ProcessLayer"/>, with job files written to a temporary directory and loaded as the daemon
/// loads them. <see cref="Watch"/> lets a harness take a timestamp on the engine thread at the exact
/// notification it is waiting for. Disposing stops every job and removes the directory.
/// </summary>
internal sealed class SupervisedEngine : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string root;
    private ProcessLayer? layer;

    private SupervisedEngine()
    {
        root = Directory.CreateTempSubdirectory("upstartps-bench-").FullName;
        ConfigDirectory = Directory.CreateDirectory(Path.Combine(root, "init")).FullName;
        LogDirectory = Directory.CreateDirectory(Path.Combine(root, "log")).FullName;
        Engine = new JobEngine(
            new EngineOptions { LogDirectory = LogDirectory, AppArmorAvailable = false },
            sink => new TimedProcessLayer(layer = new ProcessLayer(sink), this),
            new SystemEngineClock(),
            NullLogger<JobEngine>.Instance);
        Engine.Notification += n => Watch?.Invoke(n);
        Engine.Start();
    }

    public JobEngine Engine { get; }

    /// <summary>The real layer under the timing wrapper (to signal a job's process group as a crash would).</summary>
    public ProcessLayer Processes => layer ?? throw new InvalidOperationException("the engine has not made its process layer");

    /// <summary>Stopwatch ticks spent inside Spawn on the engine thread (spawn is synchronous: it returns once the target has exec'd).</summary>
    public long SpawnTicks { get; set; }

    public string ConfigDirectory { get; }

    public string LogDirectory { get; }

    /// <summary>Runs on the engine thread for every notification: keep it to a timestamp and a counter.</summary>
    public Action<EngineNotification>? Watch { get; set; }

    public static async Task<SupervisedEngine> StartAsync(IEnumerable<(string Name, string Text)> jobs)
    {
        var engine = new SupervisedEngine();
        foreach (var (name, text) in jobs)
        {
            await File.WriteAllTextAsync(Path.Combine(engine.ConfigDirectory, name + ".conf"), text).ConfigureAwait(false);
        }

        var catalog = JobDirectoryLoader.Load([engine.ConfigDirectory]);
        if (!catalog.Diagnostics.IsEmpty)
        {
            throw new InvalidOperationException(string.Join("; ", catalog.Diagnostics));
        }

        await engine.Engine.ApplyCatalogAsync(catalog).WaitAsync(Bound).ConfigureAwait(false);
        return engine;
    }

    public async ValueTask DisposeAsync()
    {
        Watch = null;
        await Engine.StopAllAsync().WaitAsync(Bound).ConfigureAwait(false);
        await Engine.DisposeAsync().ConfigureAwait(false);
        layer?.Dispose();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>`what: n= p50= p90= p99= max=` from samples in Stopwatch ticks.</summary>
    public static string Percentiles(string what, List<long> ticks)
    {
        var ms = ticks.Select(t => t * 1000.0 / Stopwatch.Frequency).Order().ToList();
        double At(double q) => ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{what}: n={ms.Count} p50={At(0.50):0.000} ms p90={At(0.90):0.000} ms p99={At(0.99):0.000} ms max={ms[^1]:0.000} ms");
    }

    /// <summary>The load average when the figures were taken: they mean little on a busy machine.</summary>
    public static string LoadAverage() => "load average: " + File.ReadAllText("/proc/loadavg").Trim();
}

/// <summary>The real layer, passed through, adding up the time Spawn holds the engine thread.</summary>
internal sealed class TimedProcessLayer(ProcessLayer inner, SupervisedEngine owner) : IProcessLayer
{
    public SpawnResult Spawn(SpawnRequest request)
    {
        var t = Stopwatch.GetTimestamp();
        var result = inner.Spawn(request);
        owner.SpawnTicks += Stopwatch.GetTimestamp() - t;
        return result;
    }

    public void SignalGroup(int pid, int signal) => inner.SignalGroup(pid, signal);

    public void Signal(int pid, int signal) => inner.Signal(pid, signal);
}
