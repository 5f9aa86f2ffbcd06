using BenchmarkDotNet.Attributes;
using UpstartHost.Processes;

namespace UpstartPS.Benchmarks.Processes;

/// <summary>
/// The /proc/PID/stat reads of every spawn: <see cref="ProcStat.ImageComplete(int)"/> on the engine thread
/// once the helper's error pipe closes, <see cref="ProcStat.Read"/> on the state writer for each new pid.
/// Read here for this process itself (always there). The system calls are the kernel's; what this shows is
/// what the daemon adds around them (allocations, parsing).
/// </summary>
[MemoryDiagnoser]
public class ProcStatBenchmarks
{
    private readonly int self = Environment.ProcessId;

    [Benchmark(Baseline = true)]
    public ulong Read() => ProcStat.Read(self)?.StartTime ?? 0;

    [Benchmark]
    public bool? ImageComplete() => ProcStat.ImageComplete(self);
}
