using System.Collections.Immutable;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

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
/// UPSTART.md §0, §a.3, §g: a job is NAME.conf below a directory; the first directory (in order) whose
/// NAME.conf parses owns NAME; the first NAME.override along the same order, up to and including that
/// directory, is applied on top. An override without a .conf is ignored. One bad file never stops the
/// others.
/// </summary>
public static class JobDirectoryLoader
{
    /// <summary>Loads every *.conf (+ .override) below each directory; one bad file never stops the others.</summary>
    public static JobCatalog Load(IReadOnlyList<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var diagnostics = new List<Diagnostic>();
        var listings = directories.Select(d => JobDirectoryScanner.Scan(d, diagnostics)).ToList();
        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);

        for (var owner = 0; owner < listings.Count; owner++)
        {
            foreach (var (name, confPath) in listings[owner].Confs)
            {
                if (jobs.ContainsKey(name))
                {
                    continue;
                }

                var job = LoadOne(name, confPath, FindOverride(listings, owner, name), diagnostics);
                if (job is not null)
                {
                    jobs[name] = job;
                }
            }
        }

        return new JobCatalog(jobs.ToImmutable(), [.. diagnostics]);
    }

    /// <summary>Loads one job by name from the directories (used when inotify reports a change).</summary>
    public static JobCatalog LoadJob(IReadOnlyList<string> directories, string jobName)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(jobName);
        var diagnostics = new List<Diagnostic>();
        if (JobName.Validate(jobName) is { } problem)
        {
            diagnostics.Add(new Diagnostic(JobName.Sanitize(jobName), 0, 0, LoaderDiagnostics.BadJobName,
                $"Invalid job name ({problem}): {JobName.Sanitize(jobName)}"));
            return new JobCatalog(ImmutableDictionary<string, JobClassConfig>.Empty.WithComparers(StringComparer.Ordinal), [.. diagnostics]);
        }

        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        for (var owner = 0; owner < directories.Count; owner++)
        {
            var confPath = RegularFile(directories[owner], jobName + ".conf", diagnostics);
            if (confPath is null)
            {
                continue;
            }

            string? overridePath = null;
            for (var i = 0; i <= owner && overridePath is null; i++)
            {
                overridePath = RegularFile(directories[i], jobName + ".override", diagnostics);
            }

            var job = LoadOne(jobName, confPath, overridePath, diagnostics);
            if (job is not null)
            {
                jobs[jobName] = job;
                break;
            }
        }

        return new JobCatalog(jobs.ToImmutable(), [.. diagnostics]);
    }

    private static string? FindOverride(List<JobDirectoryScanner.Listing> listings, int owner, string name)
    {
        for (var i = 0; i <= owner; i++)
        {
            if (listings[i].Overrides.TryGetValue(name, out var path))
            {
                return path;
            }
        }

        return null;
    }

    private static JobClassConfig? LoadOne(string name, string confPath, string? overridePath, List<Diagnostic> diagnostics)
    {
        var text = JobFileSource.Read(confPath, diagnostics);
        if (text is null)
        {
            return null;
        }

        var parsed = JobFileParser.Parse(name, confPath, text);
        diagnostics.AddRange(parsed.Diagnostics);
        if (parsed.Config is null || overridePath is null)
        {
            return parsed.Config;
        }

        var overrideText = JobFileSource.Read(overridePath, diagnostics);
        if (overrideText is null)
        {
            return parsed.Config;
        }

        var applied = JobFileParser.ApplyOverride(parsed.Config, overridePath, overrideText);
        diagnostics.AddRange(applied.Diagnostics);
        return applied.Config;
    }

    /// <summary>DIR/RELATIVE if it is a regular file reached without any symbolic link, else null.</summary>
    private static string? RegularFile(string directory, string relative, List<Diagnostic> diagnostics)
    {
        var path = directory;
        var segments = relative.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            path = Path.Combine(path, segments[i]);
            FileSystemInfo info = i == segments.Length - 1 ? new FileInfo(path) : new DirectoryInfo(path);
            if (!info.Exists)
            {
                return null;
            }

            if (info.LinkTarget is not null)
            {
                diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.SymlinkNotSupported,
                    "Symbolic links are not supported", DiagnosticSeverity.Warning));
                return null;
            }
        }

        return path;
    }
}
