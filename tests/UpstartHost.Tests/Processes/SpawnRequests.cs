using System.Collections.Immutable;
using Upstart.JobFiles.Model;
using UpstartHost.Processes;

namespace UpstartHost.Tests.Processes;

/// <summary>Builds the requests the engine would send, for one made-up job.</summary>
internal static class SpawnRequests
{
    public static readonly string[] DefaultEnvironment =
    [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin",
        "TERM=linux",
        "UPSTART_JOB=test",
        "UPSTART_INSTANCE=",
    ];

    public static SpawnRequest Exec(string command, Func<JobClassConfig, JobClassConfig>? configure = null, string? logPath = null, IReadOnlyList<string>? environment = null) =>
        For(new ProcessDefinition(false, command), configure, logPath, environment);

    public static SpawnRequest Script(string script, Func<JobClassConfig, JobClassConfig>? configure = null, string? logPath = null, IReadOnlyList<string>? environment = null) =>
        For(new ProcessDefinition(true, script), configure, logPath, environment);

    public static SpawnRequest For(ProcessDefinition process, Func<JobClassConfig, JobClassConfig>? configure, string? logPath, IReadOnlyList<string>? environment, ProcessKind kind = ProcessKind.Main)
    {
        var config = new JobClassConfig
        {
            Name = "test",
            Console = logPath is null ? ConsoleMode.None : ConsoleMode.Log,
            Processes = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty.Add(kind, process),
        };
        config = configure?.Invoke(config) ?? config;
        return new SpawnRequest("test", "", kind, process, config, environment ?? DefaultEnvironment, logPath);
    }
}
