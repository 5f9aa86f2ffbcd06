using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Diagnostics;

namespace UpstartPS.Offline;

/// <summary>
/// init-checkconf without a daemon: the library's <see cref="JobFileChecker.Check"/>, the same check the
/// daemon's `upstart-host check` prints, with the loader's guards on reading. For a directory it also
/// reports, as warnings, the conditions no job in it can ever satisfy (what `initctl check-config`
/// prints: "start on: unknown event peach").
/// </summary>
public static class JobFileCheck
{
    public const string ConfExtension = ".conf";
    public const string UnknownEventKind = JobFileChecker.UnknownEventKind;
    public const string UnknownJobKind = JobFileChecker.UnknownJobKind;

    /// <summary>
    /// Diagnostics for <paramref name="path"/>: a .conf, an .override (checked with its .conf), or a directory;
    /// <paramref name="options"/> carries the ignored events and whether to warn about stanzas Upstart 1.13 rejects.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>; the cmdlet reports it as an error record.</exception>
    public static IReadOnlyList<Diagnostic> Check(string path, CheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException("No such file", path);
        }

        return JobFileChecker.Check(path, options);
    }

    /// <summary>init(5): the job's name is the file's name less ".conf".</summary>
    public static string JobName(string confPath)
    {
        var file = Path.GetFileName(confPath);
        return file.EndsWith(ConfExtension, StringComparison.Ordinal) ? file[..^ConfExtension.Length] : file;
    }
}
