using Upstart.JobFiles.Model;

namespace UpstartHost.Control;

/// <summary>Whether what a job's files say is no secret from any local user.</summary>
internal static class JobFileAccess
{
    /// <summary>
    /// True when the job's file and its `.override`, if any, are readable by others (mode o+r). A job not read
    /// from a file, or a file that cannot be looked at now, counts as not readable: when unsure, withhold.
    /// </summary>
    public static bool EveryoneMayRead(JobClassConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.SourcePath is { } path && OthersMayRead(path)
            && (config.OverridePath is not { } overridePath || OthersMayRead(overridePath));
    }

    private static bool OthersMayRead(string path)
    {
        try
        {
            return (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
