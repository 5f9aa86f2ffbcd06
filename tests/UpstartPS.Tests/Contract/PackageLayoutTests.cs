using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace UpstartPS.Tests.Contract;

/// <summary>The module folder the build lays out is what Import-Module and Publish-PSResource take, and nothing more.</summary>
public sealed class PackageLayoutTests
{
    [Fact]
    public void The_module_folder_holds_the_cmdlet_dll_manifest_format_help_and_a_deps_folder()
    {
        var files = Directory.GetFiles(ModuleLayout.ModuleDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(ModuleLayout.ModuleDir, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("deps/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            ["UpstartPS.Format.ps1xml", "UpstartPS.dll", "UpstartPS.psd1", "en-US/UpstartPS.dll-Help.xml", "en-US/about_UpstartPS.help.txt"],
            files);
    }

    [Fact]
    public void Only_dlls_sit_in_deps_and_our_own_libraries_are_among_them()
    {
        var deps = Directory.GetFiles(ModuleLayout.DepsDir).Select(Path.GetFileName).ToList();
        Assert.All(deps, d => Assert.EndsWith(".dll", d, StringComparison.Ordinal));
        Assert.Contains("Upstart.JobFiles.dll", deps);
        Assert.Contains("UpstartPS.Protocol.dll", deps);
    }

    [Fact]
    public void Every_runtime_dependency_of_the_module_is_in_the_folder()
    {
        var deps = Path.Combine(ModuleLayout.ModuleDir, "..", "..", "UpstartPS.deps.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(deps));
        var libraries = json.RootElement.GetProperty("targets").EnumerateObject().First().Value;
        var assemblies = libraries.EnumerateObject()
            .Where(l => l.Value.TryGetProperty("runtime", out _))
            .SelectMany(l => l.Value.GetProperty("runtime").EnumerateObject().Select(r => Path.GetFileName(r.Name)))
            .ToList();
        Assert.Contains("Upstart.JobFiles.dll", assemblies);
        Assert.Contains("Superpower.dll", assemblies);
        Assert.All(assemblies.Where(a => a != "UpstartPS.dll"),
            a => Assert.True(File.Exists(Path.Combine(ModuleLayout.DepsDir, a)), $"{a} is missing from the module's deps folder"));
    }

    [Fact]
    public void The_protocol_assembly_the_module_ships_holds_the_client_half_only()
    {
        using var stream = File.OpenRead(Path.Combine(ModuleLayout.DepsDir, "UpstartPS.Protocol.dll"));
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var namespaces = metadata.TypeDefinitions
            .Select(h => metadata.GetString(metadata.GetTypeDefinition(h).Namespace))
            .Distinct()
            .ToList();

        // The daemon's server half (authorisation, /etc/group parsing, connections) is UpstartPS.Protocol.Server.dll.
        Assert.Contains("UpstartPS.Protocol.Client", namespaces);
        Assert.DoesNotContain(namespaces, n => n.StartsWith("UpstartPS.Protocol.Server", StringComparison.Ordinal));
    }

    [Fact]
    public void PowerShell_s_own_engine_is_never_shipped_beside_the_module() =>
        Assert.False(File.Exists(Path.Combine(ModuleLayout.ModuleDir, "System.Management.Automation.dll")));

    [Fact]
    public void The_packaged_manifest_is_the_one_in_the_repository() =>
        Assert.Equal(File.ReadAllText(Path.Combine(ModuleLayout.RepoRoot, "UpstartPS.psd1")), File.ReadAllText(ModuleLayout.Manifest));
}
