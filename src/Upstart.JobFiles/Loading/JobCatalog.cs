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
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>
    /// Per job, the fingerprint of the files it was read from (paths and content fingerprints of the bytes of the
    /// .conf and the .override), taken as they were read: what a reload compares to tell a changed job
    /// from a touched one. Absent for catalogs not read from disk.
    /// </summary>
    public ImmutableDictionary<string, string> Fingerprints { get; init; } = ImmutableDictionary<string, string>.Empty;
}

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
    public static JobCatalog Load(IReadOnlyList<string> directories) => Load(directories, JobFileTrust.Any);

    /// <summary>As <see cref="Load(IReadOnlyList{string})"/>, accepting only files <paramref name="trust"/> allows.</summary>
    public static JobCatalog Load(IReadOnlyList<string> directories, JobFileTrust trust)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var diagnostics = new List<Diagnostic>();
        var listings = directories.Select(d => JobDirectoryScanner.Scan(d, diagnostics, trust)).ToList();

        // Like Upstart, every source parses all of its files (so a shadowed file's errors are reported
        // too); files are independent, so they are read and parsed in parallel and merged in order.
        var confs = listings
            .SelectMany((listing, owner) => listing.Confs.Select(kv => (Owner: owner, Name: kv.Key, File: kv.Value)))
            .ToArray();
        var parsed = new (JobClassConfig? Job, byte[]? Print, List<Diagnostic> Diagnostics)[confs.Length];
        Parallel.For(0, confs.Length, i =>
        {
            var found = new List<Diagnostic>();
            var job = ParseConf(confs[i].Name, confs[i].File, trust, found, out var print);
            parsed[i] = (job, print, found);
        });

        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        var prints = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < confs.Length; i++)
        {
            diagnostics.AddRange(parsed[i].Diagnostics);
            var (owner, name, _) = confs[i];
            if (parsed[i].Job is not { } job || jobs.ContainsKey(name))
            {
                continue;
            }

            jobs[name] = ApplyOverride(job, FindOverride(listings, owner, name), trust, diagnostics, out var overridePrint);
            prints[name] = Fingerprint(job.SourcePath, parsed[i].Print, jobs[name].OverridePath, overridePrint);
        }

        return new JobCatalog(jobs.ToImmutable(), [.. diagnostics]) { Fingerprints = prints.ToImmutable() };
    }

    /// <summary>Loads one job by name from the directories (used when inotify reports a change).</summary>
    public static JobCatalog LoadJob(IReadOnlyList<string> directories, string jobName, JobFileTrust trust = JobFileTrust.Any)
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
        var prints = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (IgnoredDirectory.OnPath(jobName))
        {
            // The directory walk never enters it, so no job has this name.
            return new JobCatalog(jobs.ToImmutable(), [.. diagnostics]) { Fingerprints = prints.ToImmutable() };
        }

        for (var owner = 0; owner < directories.Count; owner++)
        {
            if (trust == JobFileTrust.RootOnly && UnsafeSubdirectory(directories[owner], jobName, diagnostics))
            {
                continue;
            }

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

            if (ParseConf(jobName, new FileInfo(confPath), trust, diagnostics, out var confPrint) is { } parsed)
            {
                var job = ApplyOverride(parsed, overridePath is null ? null : new FileInfo(overridePath), trust, diagnostics, out var overridePrint);
                jobs[jobName] = job;
                prints[jobName] = Fingerprint(job.SourcePath, confPrint, job.OverridePath, overridePrint);
                break;
            }
        }

        return new JobCatalog(jobs.ToImmutable(), [.. diagnostics]) { Fingerprints = prints.ToImmutable() };
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

    /// <summary>Paths and content hashes of a job's files, as one string a reload compares.</summary>
    private static string Fingerprint(string? confPath, byte[]? confPrint, string? overridePath, byte[]? overridePrint) =>
        JobFingerprint.Compose(confPath, confPrint, overridePath, overridePrint);

    /// <summary>
    /// Parses a job from bytes read earlier from <paramref name="confPath"/> (and <paramref name="overridePath"/>)
    /// exactly as <see cref="Load(IReadOnlyList{string})"/> parses the files: a definition kept by the daemon
    /// for an instance that still runs under it. Null (with diagnostics) when the .conf does not parse.
    /// </summary>
    public static JobClassConfig? ParseStored(string name, string confPath, byte[] conf, string? overridePath, byte[]? overrideBytes, List<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(conf);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var parsed = JobFileParser.Parse(name, confPath, JobFileSource.Decode(conf));
        diagnostics.AddRange(parsed.Diagnostics);
        if (parsed.Config is not { } job || overridePath is null || overrideBytes is null)
        {
            return parsed.Config;
        }

        var applied = JobFileParser.ApplyOverride(job, overridePath, JobFileSource.Decode(overrideBytes));
        diagnostics.AddRange(applied.Diagnostics);
        return applied.Config ?? job;
    }

    /// <summary>A job in a subdirectory (`net/dhcp`): whether a directory on the way is not root's alone (as the scan refuses it).</summary>
    private static bool UnsafeSubdirectory(string directory, string jobName, List<Diagnostic> diagnostics)
    {
        var path = directory;
        var parts = jobName.Split('/');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            path = Path.Combine(path, parts[i]);
            if (!Directory.Exists(path))
            {
                return false;
            }

            if (JobFileSource.UnsafeDirectory(path) is { } problem)
            {
                diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.UnsafeOwnership,
                    $"Directory {problem}: a system job runs as root, so the job files in it are not loaded"));
                return true;
            }
        }

        return false;
    }

    private static JobClassConfig? ParseConf(string name, FileInfo conf, JobFileTrust trust, List<Diagnostic> diagnostics, out byte[]? print)
    {
        var text = JobFileSource.Read(conf.FullName, diagnostics, trust, out print);
        if (text is null)
        {
            return null;
        }

        var parsed = JobFileParser.Parse(name, conf.FullName, text);
        diagnostics.AddRange(parsed.Diagnostics);
        return parsed.Config;
    }

    private static JobClassConfig ApplyOverride(JobClassConfig job, FileInfo? overrideFile, JobFileTrust trust, List<Diagnostic> diagnostics, out byte[]? print)
    {
        print = null;
        if (overrideFile is null || JobFileSource.Read(overrideFile.FullName, diagnostics, trust, out print) is not { } text)
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
