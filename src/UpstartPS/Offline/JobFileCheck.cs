using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Parsing;

namespace UpstartPS.Offline;

/// <summary>
/// init-checkconf without a daemon: parses a job file (with its .override beside it) or every job file
/// below a directory, with the same parser the daemon uses, and returns the diagnostics. For a
/// directory it also reports, as warnings, the conditions no job in it can ever satisfy (what
/// `initctl check-config` prints: "start on: unknown event peach").
/// </summary>
public static class JobFileCheck
{
    public const string ConfExtension = ".conf";
    public const string OverrideExtension = ".override";
    public const string UnknownEventKind = "unknown-event";
    public const string UnknownJobKind = "unknown-job";

    /// <summary>Diagnostics for <paramref name="path"/>: a .conf, an .override (checked with its .conf), or a directory.</summary>
    public static IReadOnlyList<Diagnostic> Check(string path, IEnumerable<string>? ignoredEvents = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Directory.Exists(path) ? CheckDirectory(path, ignoredEvents) : CheckFile(path);
    }

    /// <summary>init(5): the job's name is the file's name less ".conf".</summary>
    public static string JobName(string confPath)
    {
        var file = Path.GetFileName(confPath);
        return file.EndsWith(ConfExtension, StringComparison.Ordinal) ? file[..^ConfExtension.Length] : file;
    }

    private static List<Diagnostic> CheckFile(string path)
    {
        var confPath = path.EndsWith(OverrideExtension, StringComparison.Ordinal)
            ? path[..^OverrideExtension.Length] + ConfExtension
            : path;
        var parsed = JobFileParser.Parse(JobName(confPath), confPath, File.ReadAllText(confPath));
        var diagnostics = new List<Diagnostic>(parsed.Diagnostics);
        var overridePath = confPath.EndsWith(ConfExtension, StringComparison.Ordinal)
            ? confPath[..^ConfExtension.Length] + OverrideExtension
            : null;
        if (parsed.Config is not null && overridePath is not null && File.Exists(overridePath))
        {
            diagnostics.AddRange(JobFileParser.ApplyOverride(parsed.Config, overridePath, File.ReadAllText(overridePath)).Diagnostics);
        }

        return diagnostics;
    }

    private static List<Diagnostic> CheckDirectory(string directory, IEnumerable<string>? ignoredEvents)
    {
        var catalog = JobDirectoryLoader.Load([directory]);
        var diagnostics = new List<Diagnostic>(catalog.Diagnostics);
        foreach (var problem in ConditionAnalyzer.Analyze(catalog, ignoredEvents))
        {
            var source = catalog.Jobs.TryGetValue(problem.Job, out var job) ? job.SourcePath : null;
            diagnostics.Add(new Diagnostic(
                source ?? Path.Combine(directory, problem.Job + ConfExtension),
                0,
                0,
                problem.IsJob ? UnknownJobKind : UnknownEventKind,
                problem.ToString().Trim(),
                DiagnosticSeverity.Warning));
        }

        return diagnostics;
    }
}
