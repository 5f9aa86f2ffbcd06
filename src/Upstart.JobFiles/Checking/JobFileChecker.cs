using System.Collections.Immutable;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Checking;

/// <summary>
/// `check PATH...`, in the manner of init-checkconf and `initctl check-config`. A file is checked on
/// its own (with NAME.override beside it, if any); a directory is loaded like a job directory. For
/// each job file it prints `File PATH: syntax ok` or each diagnostic as `PATH:LINE:COL: KIND: MESSAGE`;
/// then, across everything it loaded, the conditions that can never fire:
/// <code>
/// JOB
///   start on: unknown event peach
///   stop on: unknown job grape
/// </code>
/// Exit code 0 when every file parsed (and, with <see cref="CheckOptions.FailOnUnreachable"/>, nothing
/// is unreachable), 1 otherwise.
/// </summary>
public static class JobFileChecker
{
    /// <summary>The kind of a warning about a condition on an event nothing emits.</summary>
    public const string UnknownEventKind = "unknown-event";

    /// <summary>The kind of a warning about a condition on a job that does not exist.</summary>
    public const string UnknownJobKind = "unknown-job";

    /// <summary>
    /// The same check as data, for the module's Test-UpstartJobFile: the diagnostics of a .conf (with its
    /// .override), of an .override (with its .conf), or of every file below a directory, read with the
    /// loader's guards (size bound, zero-length entries such as FIFOs never opened); for a directory also
    /// a warning per condition no job in it can satisfy (events in <see cref="CheckOptions.IgnoredEvents"/>
    /// count as emitted); with <see cref="CheckOptions.UpstartCompatible"/>, the stanzas Upstart 1.13 rejects.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(string path, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= CheckOptions.Default;
        var directory = Directory.Exists(path);
        var result = directory ? CheckDirectory(path, options) : CheckFile(path, options);
        var diagnostics = result.Files.SelectMany(f => f.Diagnostics).ToList();
        if (!directory)
        {
            return diagnostics;
        }

        foreach (var problem in ConditionAnalyzer.Analyze(new JobCatalog(result.Jobs.ToImmutableDictionary(StringComparer.Ordinal), []), options.IgnoredEvents))
        {
            var source = result.Jobs.TryGetValue(problem.Job, out var job) ? job.SourcePath : null;
            diagnostics.Add(new Diagnostic(
                source ?? Path.Combine(path, problem.Job + ".conf"),
                0,
                0,
                problem.IsJob ? UnknownJobKind : UnknownEventKind,
                problem.ToString().Trim(),
                DiagnosticSeverity.Warning));
        }

        return diagnostics;
    }

    public static int Run(IReadOnlyList<string> paths, TextWriter output, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(output);
        options ??= CheckOptions.Default;

        var failed = false;
        var jobs = ImmutableDictionary.CreateBuilder<string, JobClassConfig>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var result = Directory.Exists(path) ? CheckDirectory(path, options) : CheckFile(path, options);
            foreach (var (file, diagnostics) in result.Files)
            {
                var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                foreach (var d in diagnostics)
                {
                    output.WriteLine(d.ToString());
                }

                if (errors.Count == 0 && file is not null)
                {
                    output.WriteLine($"File {file}: syntax ok");
                }

                failed |= errors.Count > 0;
            }

            foreach (var (name, job) in result.Jobs)
            {
                jobs.TryAdd(name, job);
            }
        }

        if (options.AnalyzeConditions)
        {
            var problems = ConditionAnalyzer.Analyze(new JobCatalog(jobs.ToImmutable(), []), options.IgnoredEvents);
            foreach (var group in problems.GroupBy(p => p.Job))
            {
                output.WriteLine(group.Key);
                foreach (var problem in group)
                {
                    output.WriteLine(problem.ToString());
                }
            }

            failed |= options.FailOnUnreachable && problems.Count > 0;
        }

        return failed ? 1 : 0;
    }

    private sealed record CheckResult(
        List<(string? File, List<Diagnostic> Diagnostics)> Files,
        IReadOnlyDictionary<string, JobClassConfig> Jobs);

    private static CheckResult CheckFile(string path, CheckOptions options)
    {
        // An override is checked as what it is: applied on top of its conf.
        if (path.EndsWith(".override", StringComparison.Ordinal))
        {
            path = Path.ChangeExtension(path, ".conf");
        }

        var diagnostics = new List<Diagnostic>();
        var jobs = new Dictionary<string, JobClassConfig>(StringComparer.Ordinal);
        var name = JobName.FromRelativePath(Path.GetFileName(path)) ?? Path.GetFileNameWithoutExtension(path);
        if (!File.Exists(path))
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.ReadError, "No such file"));
            return new CheckResult([(null, diagnostics)], jobs);
        }

        // The same refusal a directory load gives the file (JobDirectoryScanner): checked alone or in its directory, one answer.
        if (JobName.Validate(name) is { } problem)
        {
            diagnostics.Add(new Diagnostic(path, 0, 0, LoaderDiagnostics.BadJobName, $"Invalid job name ({problem}): {JobName.Sanitize(name)}"));
            return new CheckResult([(null, diagnostics)], jobs);
        }

        var text = JobFileSource.Read(path, diagnostics);
        if (text is null)
        {
            return new CheckResult([(null, diagnostics)], jobs);
        }

        var parsed = JobFileParser.Parse(name, path, text);
        diagnostics.AddRange(parsed.Diagnostics);
        var config = parsed.Config;
        var overridePath = Path.ChangeExtension(path, ".override");
        if (config is not null && path.EndsWith(".conf", StringComparison.Ordinal) && File.Exists(overridePath))
        {
            var overrideText = JobFileSource.Read(overridePath, diagnostics);
            if (overrideText is not null)
            {
                var applied = JobFileParser.ApplyOverride(config, overridePath, overrideText);
                diagnostics.AddRange(applied.Diagnostics);
                config = applied.Config;
            }
        }

        if (config is not null)
        {
            jobs[name] = config;
            AddCompatibilityWarnings(diagnostics, config, options);
        }

        return new CheckResult([(path, diagnostics)], jobs);
    }

    private static CheckResult CheckDirectory(string directory, CheckOptions options)
    {
        var catalog = JobDirectoryLoader.Load([directory]);
        var files = new List<(string?, List<Diagnostic>)>();

        // Group the diagnostics by the job file they belong to (an override's go with its conf).
        var byFile = catalog.Diagnostics
            .GroupBy(d => ConfFor(d.Path))
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var job in catalog.Jobs.Values.OrderBy(j => j.SourcePath, StringComparer.Ordinal))
        {
            var path = job.SourcePath!;
            var list = byFile.Remove(path, out var found) ? found : [];
            AddCompatibilityWarnings(list, job, options);
            files.Add((path, list));
        }

        // Files that defined no job: failed confs, refused names, symbolic links.
        foreach (var (_, list) in byFile.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            files.Add((null, list));
        }

        return new CheckResult(files, catalog.Jobs);
    }

    private static void AddCompatibilityWarnings(List<Diagnostic> diagnostics, JobClassConfig job, CheckOptions options)
    {
        if (options.UpstartCompatible)
        {
            diagnostics.AddRange(UpstartCompatibility.Check(job));
        }
    }

    private static string ConfFor(string path) =>
        path.EndsWith(".override", StringComparison.Ordinal) ? Path.ChangeExtension(path, ".conf") : path;
}
