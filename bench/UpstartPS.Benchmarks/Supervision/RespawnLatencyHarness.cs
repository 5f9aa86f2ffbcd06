using System.Diagnostics;
using System.Globalization;
using Upstart.JobFiles.Model;
using UpstartHost.Engine;
using UpstartHost.Processes.Native;

namespace UpstartPS.Benchmarks.Supervision;

/// <summary>
/// `-- e2e supervision-respawn [kills] [console]`: respawn latency, from kill -9 of the main process to the
/// job back in running with a new main process (exec'd), p50/p99 over 200 kills. The end time is taken on
/// the engine thread at the running notification. Two marks on the way split it: the engine handling the
/// reaped exit (reaping and the wake-up), and the engine entering spawned (its own work for the respawn:
/// stopping, starting and their events); the rest is creating the process and its exec (docs/performance.md,
/// "Where a respawn's time goes"). `respawn limit unlimited`, so the limit never
/// interferes. Target: p50 under 2.5 ms (s6 and daemontools: about 2.9 ms here).
/// </summary>
public sealed class RespawnLatencyHarness : IEndToEndBenchmark
{
    public string Name => "supervision-respawn";

    public async Task<int> RunAsync(string[] args)
    {
        var kills = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var console = args.Length > 1 ? args[1] : "log";
        await using var sv = await SupervisedEngine.StartAsync(
            [("phoenix", $"console {console}\nrespawn\nrespawn limit unlimited\nexec sleep 1000\n")]).ConfigureAwait(false);
        var engine = sv.Engine;
        await engine.StartAsync("phoenix", [], wait: true).WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);

        var samples = new List<long>(kills);
        var reaped = new List<long>(kills);
        var spawning = new List<long>(kills);
        for (var i = 0; i < kills + 10; i++)
        {
            var pid = await MainPid(engine).ConfigureAwait(false);
            var running = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var exited = 0L;
            var spawned = 0L;
            sv.Watch = n =>
            {
                // The first state change after the kill is the engine handling the reaped exit.
                if (exited == 0 && n.Kind == NotificationKind.State && n.Job == "phoenix")
                {
                    exited = Stopwatch.GetTimestamp();
                }

                if (spawned == 0 && n.Kind == NotificationKind.State && n.Job == "phoenix" && n.State == JobState.Spawned)
                {
                    spawned = Stopwatch.GetTimestamp();
                }

                if (n.Kind == NotificationKind.State && n.Job == "phoenix" && n.State == JobState.Running)
                {
                    running.TrySetResult(Stopwatch.GetTimestamp());
                }
            };

            var t = Stopwatch.GetTimestamp();
            if (Libc.kill(pid, Libc.SIGKILL) != 0)
            {
                throw new InvalidOperationException("kill failed for " + pid);
            }

            var end = await running.Task.WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
            sv.Watch = null;
            if (i >= 10)
            {
                samples.Add(end - t);
                reaped.Add(exited - t);
                spawning.Add(spawned - t);
            }

            if (await MainPid(engine).ConfigureAwait(false) == pid)
            {
                throw new InvalidOperationException("the main pid did not change");
            }
        }

        Console.WriteLine(SupervisedEngine.Percentiles($"kill -9 to respawned main running (console {console})", samples));
        Console.WriteLine(SupervisedEngine.Percentiles($"  of which kill -9 to the exit handled by the engine", reaped));
        Console.WriteLine(SupervisedEngine.Percentiles($"  and kill -9 to the engine spawning the new main", spawning));
        Console.WriteLine(SupervisedEngine.LoadAverage());
        return 0;
    }

    private static async Task<int> MainPid(JobEngine engine)
    {
        var list = await engine.ListAsync().WaitAsync(SupervisedEngine.Bound).ConfigureAwait(false);
        return list.Single(s => s.Name == "phoenix").Processes.Single(p => p.Kind == ProcessKind.Main).Pid;
    }
}
