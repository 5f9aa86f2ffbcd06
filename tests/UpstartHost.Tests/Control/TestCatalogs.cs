using System.Collections.Immutable;
using Upstart.JobFiles.Events;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;

namespace UpstartHost.Tests.Control;

internal static class TestCatalogs
{
    public static JobClassConfig Job(string name, string? startOn = null, string? path = null) => new()
    {
        Name = name,
        SourcePath = path,
        StartOn = startOn is null ? null : new EventMatch(startOn, []),
        Processes = ImmutableDictionary<ProcessKind, ProcessDefinition>.Empty.Add(ProcessKind.Main, new ProcessDefinition(false, "/bin/sleep 100")),
    };

    public static JobCatalog Of(params JobClassConfig[] jobs) =>
        new(jobs.ToImmutableDictionary(j => j.Name, StringComparer.Ordinal), []);
}
