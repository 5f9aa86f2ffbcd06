using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace UpstartHost.Tests.Engine;

/// <summary>Real job files, parsed by the job-file library, for tests that exercise real matching.</summary>
internal static class JobFiles
{
    public static JobClassConfig Parse(string name, string text)
    {
        var result = JobFileParser.Parse(name, $"/etc/init/{name}.conf", text);
        return result.Config ?? throw new InvalidOperationException(string.Join("; ", result.Diagnostics));
    }

    public static EngineHarness Load(this EngineHarness harness, string name, string text) => harness.With(Parse(name, text));
}
