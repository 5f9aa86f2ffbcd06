using System.Diagnostics;
using System.Globalization;
using UpstartHost.Engine;
using UpstartPS.Protocol.Client;

namespace UpstartPS.Benchmarks.Daemon;

/// <summary>
/// `-- e2e control-path [samples] [cycles]`: the rows of issue 11 that go through the daemon's control path,
/// in one process (<see cref="InProcessDaemon"/>: real engine, real processes, the daemon's handler and
/// server) with the blocking client upstartctl uses, 1,000 jobs loaded:
/// status of one running job through one open connection (the bench's in-process row), list of 1,000,
/// stop until done and start until running (each on a fresh connection, as one upstartctl call), and stop
/// + start sent without waiting, observed at the engine's state change. Besides wall-clock percentiles it
/// prints CPU and bytes allocated per operation (client and daemon together), which a busy machine does
/// not blur: compare those between builds.
/// </summary>
public sealed class ControlPathHarness : IEndToEndBenchmark
{
    private const string Watched = "service-0420";

    public string Name => "control-path";

    public async Task<int> RunAsync(string[] args)
    {
        var samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var cycles = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        await using var daemon = await InProcessDaemon.StartAsync(Jobs()).ConfigureAwait(false);
        await daemon.Engine.StartAsync(Watched, [], wait: true).WaitAsync(Supervision.SupervisedEngine.Bound).ConfigureAwait(false);

        // Blocking calls: on a thread of their own, so the daemon's side keeps the pool to itself.
        await Task.Factory.StartNew(() => Measure(daemon, samples, cycles), TaskCreationOptions.LongRunning).ConfigureAwait(false);
        Console.WriteLine(Supervision.SupervisedEngine.LoadAverage());
        return 0;
    }

    private static IEnumerable<(string Name, string Text)> Jobs() =>
        Enumerable.Range(0, 1000).Select(i => ($"service-{i:D4}", $"description \"service {i}\"\nconsole none\nexec /bin/sleep 1000\n"));

    private static void Measure(InProcessDaemon daemon, int samples, int cycles)
    {
        using (var client = daemon.ConnectBlocking())
        {
            Report("status, one connection", Repeat(samples, () => RequirePid(client.Status(Watched))));
            Report("list of 1,000, one connection", Repeat(Math.Max(50, samples / 100), () => client.List()));
        }

        StopStart(daemon, cycles);
        FireAndObserve(daemon, cycles);
    }

    /// <summary>One upstartctl call each: connect, hello with the request, the answer once the job got there.</summary>
    private static void StopStart(InProcessDaemon daemon, int cycles)
    {
        var stops = new List<double>(cycles);
        var starts = new List<double>(cycles);
        var (cpu, allocated) = Costs(() =>
        {
            for (var i = 0; i < cycles; i++)
            {
                stops.Add(Time(() => Expect(OneCall(daemon, c => c.Stop(Watched)), "waiting")));
                starts.Add(Time(() => Expect(OneCall(daemon, c => c.Start(Watched)), "running")));
            }
        });
        Console.WriteLine(Line("stop until done (fresh connection)", stops, cpu / (2 * cycles), allocated / (2 * cycles)));
        Console.WriteLine(Line("start until running (fresh connection)", starts, cpu / (2 * cycles), allocated / (2 * cycles)));
    }

    /// <summary>stop --no-wait, then start --no-wait once the engine has the old process reaped; until the engine reports running.</summary>
    private static void FireAndObserve(InProcessDaemon daemon, int cycles)
    {
        using var waiting = new SemaphoreSlim(0);
        using var running = new SemaphoreSlim(0);
        long runningAt = 0;
        daemon.Supervised.Watch = n =>
        {
            if (n.Kind != NotificationKind.State || n.Job != Watched)
            {
                return;
            }

            if (n.State == JobState.Waiting)
            {
                waiting.Release();
            }
            else if (n.State == JobState.Running)
            {
                Volatile.Write(ref runningAt, Stopwatch.GetTimestamp());
                running.Release();
            }
        };

        var totals = new List<double>(cycles);
        for (var i = 0; i < cycles; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            OneCall(daemon, c => c.Stop(Watched, wait: false));
            Bounded(waiting);
            OneCall(daemon, c => c.Start(Watched, wait: false));
            Bounded(running);
            totals.Add(Percentiles.Micro(Volatile.Read(ref runningAt) - t0));
        }

        daemon.Supervised.Watch = null;
        Console.WriteLine(Line("stop + start --no-wait, observed", totals, double.NaN, double.NaN));
    }

    private static T OneCall<T>(InProcessDaemon daemon, Func<BlockingUpstartClient, T> call)
    {
        using var client = daemon.ConnectBlocking();
        return call(client);
    }

    private static void Bounded(SemaphoreSlim signal)
    {
        if (!signal.Wait(Supervision.SupervisedEngine.Bound))
        {
            throw new TimeoutException("the engine did not report the state change");
        }
    }

    private static void Expect(UpstartPS.Protocol.Messages.JobInfo info, string state)
    {
        if (info.State != state)
        {
            throw new InvalidOperationException($"{info.Name}: {info.State}, expected {state}");
        }
    }

    private static void RequirePid(IReadOnlyList<UpstartPS.Protocol.Messages.JobInfo> jobs)
    {
        if (jobs.Count != 1 || jobs[0].Processes.Count == 0 || jobs[0].Processes[0].Pid <= 0)
        {
            throw new InvalidOperationException("status did not report the running pid");
        }
    }

    private static (List<double> Micros, double Cpu, double Allocated) Repeat(int samples, Action call)
    {
        for (var i = 0; i < Math.Min(samples, 2_000); i++)
        {
            call();
        }

        var micros = new List<double>(samples);
        var (cpu, allocated) = Costs(() =>
        {
            for (var i = 0; i < samples; i++)
            {
                micros.Add(Time(call));
            }
        });
        return (micros, cpu / samples, allocated / samples);
    }

    /// <summary>Process CPU time (µs) and bytes allocated by every thread while <paramref name="run"/> runs.</summary>
    private static (double Cpu, double Allocated) Costs(Action run)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        run();
        return ((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static double Time(Action call)
    {
        var t = Stopwatch.GetTimestamp();
        call();
        return Percentiles.Micro(Stopwatch.GetTimestamp() - t);
    }

    private static void Report(string what, (List<double> Micros, double Cpu, double Allocated) measured) =>
        Console.WriteLine(Line(what, measured.Micros, measured.Cpu, measured.Allocated));

    private static string Line(string what, List<double> micros, double cpu, double allocated) =>
        double.IsNaN(cpu)
            ? Percentiles.Format(what, micros)
            : string.Create(CultureInfo.InvariantCulture, $"{Percentiles.Format(what, micros)} cpu/op={cpu:0.0} µs alloc/op={allocated:0} B");
}
