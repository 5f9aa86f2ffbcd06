using System.Collections.Immutable;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Model;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// The result of loading configuration directories: every job that parsed, keyed by name (the first
/// directory to define a name owns it), and every diagnostic (bad files, bad names, bad overrides).
/// </summary>
public sealed record JobCatalog(
    ImmutableDictionary<string, JobClassConfig> Jobs,
    ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Loads job directories in priority order. CONTRACT (implemented by the parser work).
/// </summary>
public static class JobDirectoryLoader
{
    /// <summary>Loads every *.conf (+ .override) below each directory; one bad file never stops the others.</summary>
    public static JobCatalog Load(IReadOnlyList<string> directories) =>
        throw new NotImplementedException("loader: see issue 2");

    /// <summary>Loads one job by name from the directories (used when inotify reports a change).</summary>
    public static JobCatalog LoadJob(IReadOnlyList<string> directories, string jobName) =>
        throw new NotImplementedException("loader: see issue 2");
}
