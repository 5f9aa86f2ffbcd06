using System.Globalization;

namespace UpstartPS.Protocol;

/// <summary>
/// Upstart's session files (UPSTART.md §g): a session daemon writes `$XDG_RUNTIME_DIR/upstart/sessions/PID.session`
/// holding `UPSTART_SESSION=ADDRESS`, and `initctl list-sessions` lists the live ones as `PID ADDRESS`, so a script
/// outside the session (cron, ssh) can find it: `export UPSTART_SESSION=$(upstartctl list-sessions | …)`. The daemon
/// writes them and upstartctl reads them with the same rules, here.
/// </summary>
public static class SessionFiles
{
    private const string Extension = ".session";
    private const string Prefix = ControlSocketPaths.SessionEnvironmentVariable + "=";

    /// <summary>The directory, from $XDG_RUNTIME_DIR; null when that is unset or not an absolute path (as Upstart).</summary>
    public static string? DirectoryFrom(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment("XDG_RUNTIME_DIR") is { Length: > 1 } runtime && runtime[0] == '/'
            ? Path.Combine(runtime, "upstart", "sessions")
            : null;
    }

    /// <summary>The file a daemon with process id <paramref name="pid"/> writes in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, int pid) =>
        Path.Combine(directory, pid.ToString(CultureInfo.InvariantCulture) + Extension);

    /// <summary>What the file holds: `UPSTART_SESSION=ADDRESS` and a newline.</summary>
    public static string Contents(string address) => Prefix + address + "\n";

    /// <summary>
    /// The sessions listed in <paramref name="directory"/>, by process id: files named `DIGITS.session` whose daemon is
    /// alive (<paramref name="isAlive"/>; by default /proc/PID exists) and whose content starts `UPSTART_SESSION=`
    /// with a non-empty address (the first line). Anything else, a stale file of a daemon that died included, is
    /// skipped, as initctl skips it. A directory that is not there lists nothing.
    /// </summary>
    public static IReadOnlyList<(int Pid, string Address)> List(string directory, Func<int, bool>? isAlive = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        isAlive ??= static pid => Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        var sessions = new List<(int Pid, string Address)>();
        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "*" + Extension);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return sessions;
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file)[..^Extension.Length];
            // NumberStyles.None: digits only (no sign, blank or separator), as initctl's all_digits.
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0 || !isAlive(pid))
            {
                continue;
            }

            if (ReadAddress(file) is { } address)
            {
                sessions.Add((pid, address));
            }
        }

        sessions.Sort(static (a, b) => a.Pid.CompareTo(b.Pid));
        return sessions;
    }

    private static string? ReadAddress(string file)
    {
        string text;
        try
        {
            // A session file is one short line; anything much longer is not one.
            var info = new FileInfo(file);
            if (info.Length > 4096)
            {
                return null;
            }

            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var line = text.Split('\n')[0];
        return line.StartsWith(Prefix, StringComparison.Ordinal) && line.Length > Prefix.Length && RequestArguments.FindForbiddenCharacter(line) < 0
            ? line[Prefix.Length..]
            : null;
    }
}
