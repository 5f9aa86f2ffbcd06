namespace Upstart.JobFiles.Tests.Conformance;

/// <summary>
/// Finds the conformance corpus: $UPSTARTPS_CONFORMANCE_DIR, or ../shared/conformance beside the folder
/// that holds UpstartPS.sln, so the same tests can be pointed at another corpus of the same format.
/// </summary>
internal static class CorpusLocator
{
    public const string EnvironmentVariable = "UPSTARTPS_CONFORMANCE_DIR";

    public static string Root
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return Path.GetFullPath(fromEnvironment);
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "UpstartPS.sln")))
                {
                    return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
                }
            }

            return Path.GetFullPath(Path.Combine("..", "shared", "conformance"));
        }
    }

    public static string Folder(string name) => Path.Combine(Root, name);

    /// <summary>Every case name in a folder: the file names without extension, each once, sorted.</summary>
    public static IEnumerable<string> CaseNames(string folder, params string[] extensions)
    {
        var dir = Folder(folder);
        if (!Directory.Exists(dir))
        {
            // One visible failure instead of an empty theory.
            return [$"<missing corpus folder {dir}>"];
        }

        return Directory.EnumerateFiles(dir)
            .Where(f => extensions.Length == 0 || extensions.Contains(Path.GetExtension(f), StringComparer.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }
}
