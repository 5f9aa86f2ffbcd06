using System.Diagnostics;
using System.Globalization;
using UpstartHost.Engine;
using UpstartHost.Processes;
using UpstartPS.TestSupport.Engine;

namespace UpstartPS.Benchmarks.Supervision;

/// <summary>
/// The daemon's supervision core without its socket, for the harnesses: the tests' one real-engine fixture
/// (<see cref="Supervisor"/>: a real <see cref="JobEngine"/> driving a real <see cref="ProcessLayer"/>, job
/// files loaded as the daemon loads them, nothing left behind at the end), with recording off so the engine
/// thread does only the daemon's work, Spawn timed, and <see cref="Watch"/> to take a timestamp on the
/// engine thread at the exact notification a harness waits for.
/// </summary>
internal sealed class SupervisedEngine : IAsyncDisposable
{
    /// <summary>Starting or stopping 1,000 jobs on a loaded machine can take tens of seconds.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private Supervisor? supervisor;

    private SupervisedEngine()
    {
    }

    public JobEngine Engine => Fixture.Engine;

    /// <summary>The real layer under the timing wrapper (to signal a job's process group as a crash would).</summary>
    public ProcessLayer Processes => Fixture.Processes;

    /// <summary>Stopwatch ticks spent inside Spawn on the engine thread.</summary>
    public long SpawnTicks { get; set; }

    public string ConfigDirectory => Fixture.ConfigDirectory;

    public string LogDirectory => Fixture.LogDirectory;

    /// <summary>Runs on the engine thread for every notification: keep it to a timestamp and a counter.</summary>
    public Action<EngineNotification>? Watch { get; set; }

    private Supervisor Fixture => supervisor ?? throw new InvalidOperationException("the engine has not started");

    public static async Task<SupervisedEngine> StartAsync(IEnumerable<(string Name, string Text)> jobs)
    {
        var engine = new SupervisedEngine();
        var setup = new SupervisorSetup { Record = false, Bound = Bound, WrapLayer = inner => new TimedProcessLayer(inner, engine) };
        engine.supervisor = await Supervisor.StartAsync(setup, [.. jobs]).ConfigureAwait(false);
        engine.Engine.Notification += n => engine.Watch?.Invoke(n);
        return engine;
    }

    public async ValueTask DisposeAsync()
    {
        Watch = null;
        if (supervisor is not null)
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
        }
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

/// <summary>The layer the engine would have, passed through, adding up the time Spawn holds the engine thread.</summary>
internal sealed class TimedProcessLayer(IProcessLayer inner, SupervisedEngine owner) : IProcessLayer
{
    public SpawnResult Spawn(SpawnRequest request)
    {
        var t = Stopwatch.GetTimestamp();
        var result = inner.Spawn(request);
        owner.SpawnTicks += Stopwatch.GetTimestamp() - t;
        return result;
    }

    public int SignalGroup(int pid, int signal) => inner.SignalGroup(pid, signal);

    public int Signal(int pid, int signal) => inner.Signal(pid, signal);
}
