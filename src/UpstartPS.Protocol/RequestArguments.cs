namespace UpstartPS.Protocol;

/// <summary>
/// The one rule for each argument a request carries. The daemon applies it at the protocol edge
/// (the server's dispatcher) before anything else sees the request, so the layers below take their
/// arguments as given; a front end applies it only to what it uses itself without asking the daemon
/// (upstartctl's instance expansion for <c>status JOB K=V</c>).
/// </summary>
public static class RequestArguments
{
    /// <summary>initctl's text for an environment entry that breaks <see cref="IsEnvironmentEntry"/>.</summary>
    public const string BadEnvironmentMessage = "Env must be KEY=VALUE pairs";

    /// <summary>
    /// KEY=VALUE with a non-empty KEY (Upstart's environ_valid). No NUL: the entry ends up in a C
    /// environment block, where a NUL would silently cut it short.
    /// </summary>
    public static bool IsEnvironmentEntry(string? entry) =>
        entry is not null && entry.IndexOf('=', StringComparison.Ordinal) > 0 && !entry.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// A non-empty name without blanks or NUL: a job file names events in whitespace-separated
    /// <c>start on</c>/<c>stop on</c> expressions, so an event whose name has a blank could never be matched.
    /// </summary>
    public static bool IsEventName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || c == '\0')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A job name or status pattern: anything non-empty; an unknown one is the engine's UnknownJob.</summary>
    public static bool IsJobName(string? name) => !string.IsNullOrEmpty(name);

    /// <summary>Throws BadEnvironment with initctl's text unless every entry is KEY=VALUE.</summary>
    public static void CheckEnvironment(IEnumerable<string?> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (!IsEnvironmentEntry(entry))
            {
                throw new UpstartException(UpstartErrorCode.BadEnvironment, BadEnvironmentMessage);
            }
        }
    }
}
