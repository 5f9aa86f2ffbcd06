using System.Reflection;
using System.Runtime.Loader;

namespace UpstartPS.Loading;

/// <summary>
/// The module's private AssemblyLoadContext (POWERSHELL.md §11, the pattern of PSResourceGet): every
/// dependency of the cmdlet assembly (the job-file library, the protocol, and the third-party libraries
/// they use) loads from the module's deps/ folder here, so a different version of the same library
/// already loaded by pwsh or another module never clashes with ours. Anything not in deps/ (the
/// runtime, System.Management.Automation) falls through to the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public DependencyLoadContext(string directory)
        : base("UpstartPS dependencies", isCollectible: false) => _directory = directory;

    /// <summary>The deps/ file for an assembly name, or null when the module does not ship it.</summary>
    public string? PathOf(AssemblyName name)
    {
        var simple = name.Name;
        // A simple name is a file name, never a path: nothing outside deps/ is ever loaded from here.
        if (string.IsNullOrEmpty(simple) || simple.IndexOfAny(['/', '\\', '\0']) >= 0 || simple is "." or "..")
        {
            return null;
        }

        var path = Path.Combine(_directory, simple + ".dll");
        return File.Exists(path) ? path : null;
    }

    protected override Assembly? Load(AssemblyName assemblyName) =>
        PathOf(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
}
