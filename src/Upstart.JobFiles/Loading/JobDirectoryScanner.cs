using Upstart.JobFiles.Diagnostics;

namespace Upstart.JobFiles.Loading;

/// <summary>
/// Lists the `.conf` and `.override` files below one job directory, by job name. Symbolic links are
/// not followed ("not supported", as in Upstart), subdirectories Upstart skips (<see cref="IgnoredDirectory"/>)
/// are not entered, hostile names are refused, and the walk is bounded
/// in depth and in entries so a hostile tree cannot stall the daemon.
/// </summary>
internal static class JobDirectoryScanner
{
    public const int MaxDepth = 16;
    public const int MaxEntries = 50_000;

    internal sealed class Listing
    {
        public SortedDictionary<string, FileInfo> Confs { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, FileInfo> Overrides { get; } = new(StringComparer.Ordinal);
    }

    /// <param name="trust">With <see cref="JobFileTrust.RootOnly"/>, a subdirectory that is not root's alone (see
    /// <see cref="JobFileSource.UnsafeDirectory"/>) is not entered: its files are refused as unsafe files are.</param>
    public static Listing Scan(string directory, List<Diagnostic> diagnostics, JobFileTrust trust = JobFileTrust.Any)
    {
        var listing = new Listing();
        var root = new DirectoryInfo(directory);
        if (!root.Exists)
        {
            return listing;
        }

        var entries = 0;
        var pending = new Stack<(DirectoryInfo Dir, string Prefix, int Depth)>();
        pending.Push((root, "", 0));
        while (pending.Count > 0)
        {
            var (dir, prefix, depth) = pending.Pop();
            IEnumerable<FileSystemInfo> children;
            try
            {
                children = dir.EnumerateFileSystemInfos("*", new EnumerationOptions
                {
                    RecurseSubdirectories = false,
                    IgnoreInaccessible = true,
                    AttributesToSkip = 0,
                    ReturnSpecialDirectories = false,
                }).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                diagnostics.Add(new Diagnostic(dir.FullName, 0, 0, LoaderDiagnostics.ReadError, e.Message));
                continue;
            }

            foreach (var child in children)
            {
                if (++entries > MaxEntries)
                {
                    diagnostics.Add(new Diagnostic(directory, 0, 0, LoaderDiagnostics.TooManyFiles,
                        $"More than {MaxEntries} entries; the rest are ignored"));
                    return listing;
                }

                var relative = prefix + child.Name;
                var isConf = child.Name.EndsWith(".conf", StringComparison.Ordinal);
                var isOverride = child.Name.EndsWith(".override", StringComparison.Ordinal);
                var isDirectory = (child.Attributes & FileAttributes.Directory) != 0;
                // ReparsePoint is how .NET reports a symlink from the lstat it already did while listing;
                // asking for LinkTarget would cost a readlink per file.
                if ((child.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    if (isConf || isOverride || isDirectory)
                    {
                        diagnostics.Add(new Diagnostic(child.FullName, 0, 0, LoaderDiagnostics.SymlinkNotSupported,
                            "Symbolic links are not supported", DiagnosticSeverity.Warning));
                    }

                    continue;
                }

                if (isDirectory)
                {
                    if (IgnoredDirectory.Matches(child.Name))
                    {
                        continue;
                    }

                    if (trust == JobFileTrust.RootOnly && JobFileSource.UnsafeDirectory(child.FullName) is { } unsafeDirectory)
                    {
                        diagnostics.Add(new Diagnostic(child.FullName, 0, 0, LoaderDiagnostics.UnsafeOwnership,
                            $"Directory {unsafeDirectory}: a system job runs as root, so the job files in it are not loaded"));
                    }
                    else if (depth + 1 < MaxDepth)
                    {
                        pending.Push(((DirectoryInfo)child, relative + "/", depth + 1));
                    }

                    continue;
                }

                if (!isConf && !isOverride)
                {
                    continue;
                }

                var name = isConf ? JobName.FromRelativePath(relative) : JobName.FromRelativePath(relative, ".override");
                var problem = name is null ? "no name" : JobName.Validate(name);
                if (problem is not null)
                {
                    // The real path (a reader may open it); Diagnostic.ToString escapes it for printing.
                    diagnostics.Add(new Diagnostic(child.FullName, 0, 0,
                        LoaderDiagnostics.BadJobName, $"Invalid job name ({problem}): {JobName.Sanitize(name ?? relative)}"));
                    continue;
                }

                (isConf ? (IDictionary<string, FileInfo>)listing.Confs : listing.Overrides)[name!] = (FileInfo)child;
            }
        }

        return listing;
    }
}
