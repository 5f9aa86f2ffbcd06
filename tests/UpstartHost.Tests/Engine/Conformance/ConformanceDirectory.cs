namespace UpstartHost.Tests.Engine.Conformance;

/// <summary>
/// Where the conformance corpus lives: $UPSTARTPS_CONFORMANCE_DIR, else `../shared/conformance` beside the
/// folder that holds UpstartPS.sln (found by walking up from the test binaries).
/// </summary>
internal static class ConformanceDirectory
{
    public static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("UPSTARTPS_CONFORMANCE_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UpstartPS.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
            }
        }

        throw new DirectoryNotFoundException("conformance corpus not found: set UPSTARTPS_CONFORMANCE_DIR");
    }
}
