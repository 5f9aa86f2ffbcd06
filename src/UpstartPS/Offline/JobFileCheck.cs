using Upstart.JobFiles.Diagnostics;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Parsing;

namespace UpstartPS.Offline;

/// <summary>
/// init-checkconf without a daemon: parses a job file (with its .override beside it) or every job file
/// below a directory, with the same parser the daemon uses, and returns the diagnostics.
/// </summary>
public static class JobFileCheck
{
    public const string ConfExtension = ".conf";
    public const string OverrideExtension = ".override";

    /// <summary>Diagnostics for <paramref name="path"/>: a .conf, an .override (checked with its .conf), or a directory.</summary>
    public static IReadOnlyList<Diagnostic> Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return JobDirectoryLoader.Load([path]).Diagnostics;
        }

        var confPath = path.EndsWith(OverrideExtension, StringComparison.Ordinal)
            ? path[..^OverrideExtension.Length] + ConfExtension
            : path;
        var jobName = JobName(confPath);
        var parsed = JobFileParser.Parse(jobName, confPath, File.ReadAllText(confPath));
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

    /// <summary>init(5): the job's name is the file's name less ".conf".</summary>
    public static string JobName(string confPath)
    {
        var file = Path.GetFileName(confPath);
        return file.EndsWith(ConfExtension, StringComparison.Ordinal) ? file[..^ConfExtension.Length] : file;
    }
}
