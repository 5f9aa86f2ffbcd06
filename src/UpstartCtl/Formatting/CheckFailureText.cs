using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Formatting;

/// <summary>
/// What `restart`/`reload` print on stderr when the job's pre-restart check refused them: the message
/// (`PROGRAM: Job not restarted: nginx pre-restart check terminated with status 1`), then the check's last
/// output lines, indented by two spaces so they read as belonging to it. The daemon already bounded them
/// (20 lines, 4096 bytes) and replaced control characters.
/// </summary>
public static class CheckFailureText
{
    public static IEnumerable<string> Format(string program, string message, CheckFailureInfo check)
    {
        ArgumentNullException.ThrowIfNull(check);
        yield return $"{program}: {message}";
        foreach (var line in check.Output)
        {
            yield return "  " + line;
        }
    }
}
