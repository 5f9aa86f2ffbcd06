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
/// Loads job directories in priority order.
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

        // Like Upstart, every source parses all of its files (so a shadowed file's errors are reported
        // too); files are independent, so they are read and parsed in parallel and merged in order.
        var confs = listings
            .SelectMany((listing, owner) => listing.Confs.Select(kv => (Owner: owner, Name: kv.Key, File: kv.Value)))
            .ToArray();
        var parsed = new (JobClassConfig? Job, List<Diagnostic> Diagnostics)[confs.Length];
        Parallel.For(0, confs.Length, i =>
        {
            var found = new List<Diagnostic>();
            parsed[i] = (ParseConf(confs[i].Name, confs[i].File, found), found);
        });

        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        for (var i = 0; i < confs.Length; i++)
        {
            diagnostics.AddRange(parsed[i].Diagnostics);
            var (owner, name, _) = confs[i];
            if (parsed[i].Job is not { } job || jobs.ContainsKey(name))
            {
                continue;
            }

            jobs[name] = ApplyOverride(job, FindOverride(listings, owner, name), diagnostics);
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

            var job = LoadOne(jobName, new FileInfo(confPath), overridePath is null ? null : new FileInfo(overridePath), diagnostics);
            if (job is not null)
            {
                jobs[jobName] = job;
                break;
            }
        }

        return new JobCatalog(jobs.ToImmutable(), [.. diagnostics]);
    }

    private static FileInfo? FindOverride(List<JobDirectoryScanner.Listing> listings, int owner, string name)
    {
        for (var i = 0; i <= owner; i++)
        {
            if (listings[i].Overrides.TryGetValue(name, out var file))
            {
                return file;
            }
        }

        return null;
    }

    private static JobClassConfig? LoadOne(string name, FileInfo conf, FileInfo? overrideFile, List<Diagnostic> diagnostics) =>
        ParseConf(name, conf, diagnostics) is { } job ? ApplyOverride(job, overrideFile, diagnostics) : null;

    private static JobClassConfig? ParseConf(string name, FileInfo conf, List<Diagnostic> diagnostics)
    {
        var text = JobFileSource.Read(conf, diagnostics);
        if (text is null)
        {
            return null;
        }

        var parsed = JobFileParser.Parse(name, conf.FullName, text);
        diagnostics.AddRange(parsed.Diagnostics);
        return parsed.Config;
    }

    private static JobClassConfig ApplyOverride(JobClassConfig job, FileInfo? overrideFile, List<Diagnostic> diagnostics)
    {
        if (overrideFile is null || JobFileSource.Read(overrideFile, diagnostics) is not { } text)
        {
            return job;
        }

        var applied = JobFileParser.ApplyOverride(job, overrideFile.FullName, text);
        diagnostics.AddRange(applied.Diagnostics);
        return applied.Config ?? job;
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
