using System.Reflection;

namespace UpstartPS.Tests.Contract;

/// <summary>Where the repository and the module folder laid out by the build (LayOutModule) are.</summary>
internal static class ModuleLayout
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>src/UpstartPS/bin/CONFIG/net8.0/module/UpstartPS, for the configuration these tests were built in.</summary>
    public static string ModuleDir { get; } = Path.Combine(RepoRoot, "src", "UpstartPS", "bin", Configuration, "net8.0", "module", "UpstartPS");

    /// <summary>Where every dependency of the cmdlet assembly lies, loaded by the module's own AssemblyLoadContext.</summary>
    public static string DepsDir => Path.Combine(ModuleDir, "deps");

    public static string ModuleDll => Path.Combine(ModuleDir, "UpstartPS.dll");

    public static string Manifest => Path.Combine(ModuleDir, "UpstartPS.psd1");

    public static string FormatFile => Path.Combine(ModuleDir, "UpstartPS.Format.ps1xml");

    public static string HelpFile => Path.Combine(ModuleDir, "en-US", "UpstartPS.dll-Help.xml");

    public static string AboutFile => Path.Combine(ModuleDir, "en-US", "about_UpstartPS.help.txt");

    public static string Configuration =>
        typeof(ModuleLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "UpstartPS.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("UpstartPS.sln not found above " + AppContext.BaseDirectory);
    }
}
