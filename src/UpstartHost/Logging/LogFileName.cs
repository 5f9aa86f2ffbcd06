namespace UpstartHost.Logging;

/// <summary>Where a job's console log goes (UPSTART.md §f).</summary>
public static class LogFileName
{
    /// <summary>
    /// `&lt;dir&gt;/&lt;job&gt;.log`, or `&lt;dir&gt;/&lt;job&gt;-&lt;instance&gt;.log`; every '/' in the job or instance
    /// name becomes '_' (instance wibble of foo/bar → foo_bar-wibble.log), so a name never leaves the directory.
    /// </summary>
    public static string For(string directory, string job, string instance)
    {
        var name = job.Replace('/', '_');
        if (instance.Length > 0)
        {
            name += "-" + instance.Replace('/', '_');
        }

        return Path.Combine(directory, name + ".log");
    }
}
