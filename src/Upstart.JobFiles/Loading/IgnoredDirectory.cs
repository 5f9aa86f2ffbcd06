namespace Upstart.JobFiles.Loading;

/// <summary>
/// The subdirectories of a job directory that Upstart never enters: its `conf_dir_filter` passes every
/// directory to libnih's `nih_file_ignore` (nih/file.c), which skips hidden, backup, editor-swap,
/// revision-control and package-manager names. An administrator who parked jobs in `/etc/init/.disabled/`
/// or `/etc/init/old~/`, or keeps the directory under RCS, must not see them start after migration.
/// Files are not filtered this way: `.hidden.conf` is a job in Upstart too.
/// </summary>
internal static class IgnoredDirectory
{
    private static readonly string[] RevisionControl =
    [
        "RCS", "CVS", "CVS.adm", "SCCS", ".bzr", ".bzr.log", ".hg", ".git", ".svn", "BitKeeper", ".arch-ids",
        ".arch-inventory", "{arch}", "_darcs",
    ];

    /// <summary>Whether Upstart skips a directory of this name (the last path segment).</summary>
    public static bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsHidden(name) || IsBackup(name) || IsSwap(name) || IsRevisionControl(name) || IsPackaging(name);
    }

    /// <summary>Whether any directory on a job's relative path (every segment but the last) is skipped.</summary>
    public static bool OnPath(string jobName)
    {
        ArgumentNullException.ThrowIfNull(jobName);
        var segments = jobName.Split('/');
        return segments[..^1].Any(Matches);
    }

    // nih_file_is_hidden
    private static bool IsHidden(string name) => name.StartsWith('.');

    // nih_file_is_backup: *~, *.bak, *.BAK, and emacs's #*#
    private static bool IsBackup(string name) =>
        name.EndsWith('~')
        || name.EndsWith(".bak", StringComparison.Ordinal)
        || name.EndsWith(".BAK", StringComparison.Ordinal)
        || (name.Length >= 2 && name[0] == '#' && name[^1] == '#');

    // nih_file_is_swap: vi's *.swp/*.swo/*.swn, emacs's .#* (already hidden; kept for the record)
    private static bool IsSwap(string name) =>
        name.EndsWith(".swp", StringComparison.Ordinal)
        || name.EndsWith(".swo", StringComparison.Ordinal)
        || name.EndsWith(".swn", StringComparison.Ordinal)
        || name.StartsWith(".#", StringComparison.Ordinal);

    // nih_file_is_rcs
    private static bool IsRevisionControl(string name) =>
        name.EndsWith(",v", StringComparison.Ordinal) || RevisionControl.Contains(name, StringComparer.Ordinal);

    // nih_file_is_packaging: the last extension is .dpkg-* or exactly .rpmsave/.rpmorig/.rpmnew, or the name
    // ends in rpm's ;XXXXXXXX (eight hex digits after the last semicolon).
    private static bool IsPackaging(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            var extension = name[dot..];
            if (extension.StartsWith(".dpkg-", StringComparison.Ordinal) || extension is ".rpmsave" or ".rpmorig" or ".rpmnew")
            {
                return true;
            }
        }

        var semicolon = name.LastIndexOf(';');
        return semicolon >= 0 && name.Length - semicolon - 1 == 8 && name[(semicolon + 1)..].All(char.IsAsciiHexDigit);
    }
}
