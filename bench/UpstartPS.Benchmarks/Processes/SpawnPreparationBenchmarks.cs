using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;
using UpstartHost.Processes.Native;

namespace UpstartPS.Benchmarks.Processes;

/// <summary>
/// The managed work Spawn does on the engine thread before posix_spawn: turning the job's `exec` or
/// `script` into argv, the settings into the helper's options, and both argv and environment into
/// native strings. Everything after that is the kernel's and the helper's (see spawn-latency).
/// </summary>
[MemoryDiagnoser]
public class SpawnPreparationBenchmarks
{
    private readonly ProcessDefinition exec = new(false, "/usr/sbin/sshd -D -o LogLevel=VERBOSE");
    private readonly ProcessDefinition script = new(true, "if [ -f /etc/default/foo ]; then\n  . /etc/default/foo\nfi\nexec /usr/bin/foo --daemon\n");
    private readonly string[] environment =
    [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin", "TERM=linux",
        "UPSTART_JOB=foo", "UPSTART_INSTANCE=", "UPSTART_EVENTS=runlevel", "RUNLEVEL=2", "PREVLEVEL=N",
    ];

    private JobClassConfig config = null!;

    [GlobalSetup]
    public void Setup() => config = new JobClassConfig
    {
        Name = "foo",
        Nice = 5,
        OomScore = -500,
        Setuid = "daemon",
        Chdir = "/var/lib/foo",
        Limits = ImmutableDictionary<ResourceKind, ResourceLimit>.Empty.Add(ResourceKind.Nofile, new ResourceLimit(4096, 8192)),
    };

    [Benchmark(Baseline = true)]
    public int ExecLine() => Prepare(exec);

    [Benchmark]
    public int MultiLineScript() => Prepare(script);

    private int Prepare(ProcessDefinition process)
    {
        var command = ProcessCommand.For(process);
        var argv = ExecHelperArguments.For(config, command, consoleOwner: false, out _);
        using var nativeArgv = NativeStrings.TryCreate(argv)!;
        using var nativeEnvp = NativeStrings.TryCreate(environment)!;
        return argv.Count;
    }
}
