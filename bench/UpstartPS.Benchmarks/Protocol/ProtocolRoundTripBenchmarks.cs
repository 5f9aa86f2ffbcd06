using BenchmarkDotNet.Attributes;
using UpstartPS.Protocol.Messages;

namespace UpstartPS.Benchmarks.Protocol;

/// <summary>
/// Round trips through UpstartClient → Unix socket → ControlServer → handler → back, with a handler that
/// answers from memory (1,000 jobs loaded). Issue #4 target: status p50 under 30 µs.
/// The e2e harness "protocol-status" reports p50/p99 over many samples.
/// </summary>
[MemoryDiagnoser]
public class ProtocolRoundTripBenchmarks
{
    private ProtocolFixture _fixture = null!;

    [GlobalSetup]
    public void Setup() => _fixture = ProtocolFixture.StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _fixture.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<IReadOnlyList<JobInfo>> Status() => _fixture.Client.StatusAsync("service-0420");

    [Benchmark]
    public Task<IReadOnlyList<JobInfo>> List1000() => _fixture.Client.ListAsync();
}
