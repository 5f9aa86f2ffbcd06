using System.IO.Enumeration;

namespace UpstartHost.Configuration;

/// <summary>
/// A cheap fingerprint of every job file under the job directories (path, size, modification time):
/// what the watcher compares between rescans when inotify cannot be had. Two equal stamps mean nothing
/// a reload would see has changed; the reload itself still compares contents.
/// </summary>
public static class JobTreeStamp
{
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public static long Compute(IReadOnlyList<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var hash = new HashCode();
        var count = 0L;
        foreach (var dir in directories)
        {
            hash.Add(dir, StringComparer.Ordinal);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            try
            {
                var files = new FileSystemEnumerable<(string Path, long Length, long Ticks)>(
                    dir,
                    (ref FileSystemEntry e) => (e.ToFullPath(), e.Length, e.LastWriteTimeUtc.UtcTicks),
                    Everything)
                {
                    ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory && JobDirectoryWatcher.IsRelevant(e.FileName.ToString()),
                };
                foreach (var (path, length, ticks) in files)
                {
                    hash.Add(path, StringComparer.Ordinal);
                    hash.Add(length);
                    hash.Add(ticks);
                    count++;
                }
            }
            catch (IOException)
            {
                // The directory went away mid-walk: the next rescan sees what replaced it.
                hash.Add(-1);
            }
        }

        return ((long)hash.ToHashCode() << 32) ^ count;
    }
}
