using System.Text;

namespace UpstartHost.Logging;

/// <summary>Where a job's console log goes (UPSTART.md §f).</summary>
public static class LogFileName
{
    /// <summary>Longest file name Linux takes (NAME_MAX), in bytes.</summary>
    public const int MaxFileNameBytes = 255;

    /// <summary>What the longest name beside a log adds to it: the times sidecar (<see cref="LogLineTimes"/>).</summary>
    private const string LongestSuffix = ".log.times";

    /// <summary>
    /// `&lt;dir&gt;/&lt;job&gt;.log`, or `&lt;dir&gt;/&lt;job&gt;-&lt;instance&gt;.log`; every '/' in the job or instance
    /// name becomes '_' (instance wibble of foo/bar → foo_bar-wibble.log), so a name never leaves the directory.
    /// This is Upstart's name; <see cref="Resolve"/> decides whether the instance may have it.
    /// </summary>
    public static string For(string directory, string job, string instance) =>
        Path.Combine(directory, Base(job, instance) + ".log");

    /// <summary>
    /// The log of <paramref name="job"/>'s <paramref name="instance"/> among the loaded jobs: Upstart's name when the
    /// job owns it (<see cref="LogFileClaims.Owner"/>), else `&lt;job&gt;@&lt;instance&gt;.log` (job `a` instance `b-c`
    /// beside job `a-b` with instances: a-b-c.log is a-b's instance c's, a's goes to a@b-c.log); null when that name is
    /// claimed by another job too, so no output of one job ever lands in a file another job's log may be.
    /// </summary>
    public static string? Resolve(string directory, string job, string instance, LogFileClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var natural = Base(job, instance);
        var owner = claims.Owner(natural);
        if (owner is null || owner == job)
        {
            return Path.Combine(directory, natural + ".log");
        }

        var alternative = Disambiguated(job, instance);
        return claims.ClaimantsOf(alternative).All(c => c == job) ? Path.Combine(directory, alternative + ".log") : null;
    }

    /// <summary>The name without the directory and ".log": job, or job-instance, '/' as '_'.</summary>
    public static string Base(string job, string instance)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        var name = job.Replace('/', '_');
        return instance.Length > 0 ? name + "-" + instance.Replace('/', '_') : name;
    }

    /// <summary>The name an instance gets when another job owns Upstart's: job@instance.</summary>
    public static string Disambiguated(string job, string instance)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        return job.Replace('/', '_') + "@" + instance.Replace('/', '_');
    }

    /// <summary>
    /// Null when every file an instance of <paramref name="job"/> named <paramref name="instance"/> may log to
    /// (Upstart's name or the disambiguated one, and the times beside it) fits in a file name; otherwise why not.
    /// </summary>
    public static string? TooLong(string job, string instance)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(instance);
        var bytes = Encoding.UTF8.GetByteCount(job) + 1 + Encoding.UTF8.GetByteCount(instance) + LongestSuffix.Length;
        return bytes <= MaxFileNameBytes
            ? null
            : $"instance name is too long: job {job}'s log file for it would be named with {bytes} bytes, over the {MaxFileNameBytes} a file name may have";
    }
}
