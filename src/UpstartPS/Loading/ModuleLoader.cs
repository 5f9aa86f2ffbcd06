using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace UpstartPS.Loading;

/// <summary>
/// Runs when Import-Module loads UpstartPS.dll, before any cmdlet: the default context cannot find the
/// module's dependencies (they sit in deps/, not beside the dll), so it asks its Resolving handlers, and
/// this one answers with the copy in the module's private context. Only the assemblies the cmdlet
/// assembly itself references are answered; what they reference in turn resolves inside the private
/// context. Every type PowerShell sees (cmdlets, output objects, completers) stays in UpstartPS.dll,
/// because PowerShell hides types from assemblies in other contexts.
/// </summary>
public sealed class ModuleLoader : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly Assembly CmdletAssembly = typeof(ModuleLoader).Assembly;
    private static readonly Lazy<DependencyLoadContext> Context = new(() =>
        new DependencyLoadContext(Path.Combine(Path.GetDirectoryName(CmdletAssembly.Location)!, "deps")));

    private static readonly HashSet<string> DirectReferences =
        CmdletAssembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n is not null).ToHashSet(StringComparer.Ordinal);

    public void OnImport() => AssemblyLoadContext.Default.Resolving += Resolve;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= Resolve;

    private static Assembly? Resolve(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (name.Name is null || !DirectReferences.Contains(name.Name) || Context.Value.PathOf(name) is null)
        {
            return null;
        }

        return Context.Value.LoadFromAssemblyName(name);
    }
}
