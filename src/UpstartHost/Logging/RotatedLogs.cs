namespace UpstartHost.Logging;

/// <summary>
/// Finds the file a log was rotated to: logrotate renames `web.log` to `web.log.1` (or `web.log-20261207` with
/// `dateext`) in the same directory before it creates a new one. A follow handed over at a re-exec names the file
/// it held by device and inode; when the log at the path is another file, the held one is looked for here, so what
/// the job wrote to it after the handover is still sent (docs/daemon.md, "Clients following a log or watching events").
/// </summary>
public static class RotatedLogs
{
    /// <summary>Far above what logrotate keeps (`rotate N`); a directory with more candidates is not scanned further.</summary>
    private const int MaxCandidates = 256;

    /// <summary>
    /// The file in <paramref name="path"/>'s directory, named as logrotate names a rotation of it (the name, then
    /// `.DIGITS` or `-DIGITS`), that is <paramref name="identity"/>; null when there is none. Only such names: a job's
    /// own log always ends in `.log`, so another job's log can never be taken for a rotation of this one. Opened as
    /// every log is read for a client (no link, regular files only).
    /// </summary>
    public static FileStream? Open(string path, (uint Major, uint Minor, ulong Inode) identity)
    {
        ArgumentNullException.ThrowIfNull(path);
        var directory = Path.GetDirectoryName(path);
        var name = Path.GetFileName(path);
        if (string.IsNullOrEmpty(directory) || name.Length == 0)
        {
            return null;
        }

        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFiles(directory, name + "*", new EnumerationOptions { RecurseSubdirectories = false, MatchType = MatchType.Simple });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var seen = 0;
        foreach (var candidate in entries)
        {
            if (!IsRotationOf(name, Path.GetFileName(candidate)))
            {
                continue;
            }

            if (++seen > MaxCandidates)
            {
                break;
            }

            FileStream? file = null;
            try
            {
                file = LogFileReading.Open(candidate);
            }
            catch (IOException)
            {
                // A link or something else planted there: never followed.
            }

            if (file is not null && LogFileReading.Identity(file) == identity)
            {
                return file;
            }

            file?.Dispose();
        }

        return null;
    }

    /// <summary>`NAME.DIGITS` or `NAME-DIGITS` (logrotate's numbered and dated rotations, uncompressed).</summary>
    public static bool IsRotationOf(string name, string candidate)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Length < name.Length + 2 || !candidate.StartsWith(name, StringComparison.Ordinal)
            || candidate[name.Length] is not ('.' or '-'))
        {
            return false;
        }

        foreach (var c in candidate.AsSpan(name.Length + 1))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
