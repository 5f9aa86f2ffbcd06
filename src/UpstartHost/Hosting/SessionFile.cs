using Microsoft.Extensions.Logging;
using UpstartPS.Protocol;

namespace UpstartHost.Hosting;

/// <summary>
/// A session daemon's `$XDG_RUNTIME_DIR/upstart/sessions/PID.session` (<see cref="SessionFiles"/>), which
/// `upstartctl list-sessions` reads: written once the socket answers, removed at a clean stop, left for the next
/// program at a re-exec (same pid). A crash leaves it behind; readers skip it, its process being gone. Failing to
/// write it is said and costs nothing else, as in Upstart.
/// </summary>
public static partial class SessionFile
{
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Writes the file for this process; its path, or null when there is no session directory or it failed (logged).</summary>
    public static string? Write(Func<string, string?> environment, string address, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (SessionFiles.DirectoryFrom(environment) is not { } directory)
        {
            return null;
        }

        var path = SessionFiles.PathFor(directory, Environment.ProcessId);
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(directory, PrivateDirectory);
            File.WriteAllText(temporary, SessionFiles.Contents(address));
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, path, e.Message);
            return null;
        }
    }

    /// <summary>Removes what <see cref="Write"/> wrote (nothing when it wrote nothing).</summary>
    public static void Remove(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Stale, then: readers skip a file whose process is gone.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unable to write session file {Path} (upstartctl list-sessions will not show this session): {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);
}
