using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;

namespace UpstartPS.Benchmarks.Processes;

/// <summary>
/// `-- e2e spawn-latency [count]`: how long Spawn takes to return for `exec sleep 30` (it returns once
/// the target has exec'd, so this is spawn-to-exec), through the exec helper, against a bare
/// posix_spawn of the same sleep (the helper's own cost is the difference); then how long the reaper
/// takes from SIGKILL to the ProcessExited notice. Percentiles over <c>count</c> spawns (default 1,000).
/// </summary>
public sealed class SpawnLatencyBenchmark : IEndToEndBenchmark
{
    public string Name => "spawn-latency";

    public async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var inbox = new Inbox();
        using var layer = new ProcessLayer(inbox);
        var process = new ProcessDefinition(false, "/bin/sleep 30");
        var config = new JobClassConfig
        {
            Name = "bench",
            Console = ConsoleMode.None,
            Processes = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty.Add(ProcessKind.Main, process),
        };
        var request = new SpawnRequest("bench", "", ProcessKind.Main, process, config, ["PATH=/usr/bin:/bin"], null);
        var logged = request with { Config = config with { Console = ConsoleMode.Log }, LogPath = Path.Combine(Path.GetTempPath(), "upstartps-bench.log") };

        Warm(layer, request, inbox, 50);
        var helper = new List<double>(count);
        var helperLogged = new List<double>(count);
        var bare = new List<double>(count);
        var bareSession = new List<double>(count);
        var reap = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            helper.Add(TimeSpawn(layer, request, inbox, reap));
            helperLogged.Add(TimeSpawn(layer, logged, inbox, null));
            bare.Add(TimeBareSpawn(false));
            bareSession.Add(TimeBareSpawn(true));
        }

        Report("Spawn via helper (exec sleep, console none)", helper);
        Report("Spawn via helper (exec sleep, console log: +pty)", helperLogged);
        Report("bare posix_spawn of sleep (no helper, no setsid)", bare);
        Report("bare posix_spawn of sleep with POSIX_SPAWN_SETSID (no helper)", bareSession);
        Console.WriteLine($"helper overhead p50 (vs bare with setsid): {Percentile(helper, 50) - Percentile(bareSession, 50):F3} ms");
        Report("SIGKILL to ProcessExited notice", reap);
        await Task.CompletedTask.ConfigureAwait(false);
        return 0;
    }

    private static void Warm(ProcessLayer layer, SpawnRequest request, Inbox inbox, int n)
    {
        for (var i = 0; i < n; i++)
        {
            TimeSpawn(layer, request, inbox, null);
        }
    }

    private static double TimeSpawn(ProcessLayer layer, SpawnRequest request, Inbox inbox, List<double>? reap)
    {
        var start = Stopwatch.GetTimestamp();
        var result = layer.Spawn(request);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error);
        }

        var killed = Stopwatch.GetTimestamp();
        layer.SignalGroup(result.Pid, 9);
        inbox.WaitForExit(result.Pid);
        reap?.Add(Stopwatch.GetElapsedTime(killed).TotalMilliseconds);
        return elapsed;
    }

    private static double TimeBareSpawn(bool newSession)
    {
        var owner = new BareOwner();
        var start = Stopwatch.GetTimestamp();
        var pid = ChildReaper.Instance.SpawnOwned(() => PosixSpawn.Spawn("/bin/sleep", ["sleep", "30"], ["PATH=/usr/bin:/bin"], newSession), owner);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        Libc.kill(pid, 9);
        owner.Exited.Wait();
        return elapsed;
    }

    private static void Report(string what, List<double> samples) =>
        Console.WriteLine($"{what}: n={samples.Count} p50={Percentile(samples, 50):F3} ms p99={Percentile(samples, 99):F3} ms max={samples.Max():F3} ms");

    private static double Percentile(List<double> samples, int p)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private sealed class Inbox : IProcessNoticeSink
    {
        private readonly BlockingCollection<ProcessNotice> notices = [];

        public void Post(ProcessNotice notice) => notices.Add(notice);

        public void WaitForExit(int pid)
        {
            while (notices.Take() is not ProcessExited exited || exited.Pid != pid)
            {
            }
        }
    }

    private sealed class BareOwner : IChildOwner
    {
        public ManualResetEventSlim Exited { get; } = new();

        public bool ReapBeforeOrphans => false;

        public void OnExited(int pid, int status, bool signaled) => Exited.Set();

        public void OnStopped(int pid, int signal)
        {
        }
    }
}
