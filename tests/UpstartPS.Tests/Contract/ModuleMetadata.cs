using System.Reflection;
using System.Runtime.InteropServices;

namespace UpstartPS.Tests.Contract;

/// <summary>
/// The cmdlets of the built module as PowerShell will see them, read with MetadataLoadContext (the
/// module's types are inspected, never run): verb, noun, ShouldProcess, output types, parameters.
/// </summary>
internal sealed class ModuleMetadata : IDisposable
{
    private const string Sma = "System.Management.Automation";
    private readonly MetadataLoadContext _context;

    private ModuleMetadata(string moduleDll)
    {
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(Path.GetDirectoryName(moduleDll)!, "*.dll"))
            .Concat(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(moduleDll)!, "deps"), "*.dll"))
            .Append(PowerShellReferenceAssembly())
            .GroupBy(Path.GetFileName)
            .Select(g => g.First());
        _context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        Assembly = _context.LoadFromAssemblyPath(moduleDll);
        Cmdlets = Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttributesData().Any(a => a.AttributeType.FullName == $"{Sma}.CmdletAttribute"))
            .Select(t => new CmdletInfo(t))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public static ModuleMetadata Load() => new(ModuleLayout.ModuleDll);

    public Assembly Assembly { get; }

    public IReadOnlyList<CmdletInfo> Cmdlets { get; }

    public Type? FindType(string fullName) => Assembly.GetType(fullName);

    public void Dispose() => _context.Dispose();

    /// <summary>The PowerShellStandard.Library reference the module compiles against, from the NuGet cache.</summary>
    public static string PowerShellReferenceAssembly()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.GetFiles(Path.Combine(packages, "powershellstandard.library"), "System.Management.Automation.dll", SearchOption.AllDirectories)
            .OrderDescending(StringComparer.Ordinal)
            .First();
    }
}

internal sealed class CmdletInfo
{
    public CmdletInfo(Type type)
    {
        Type = type;
        var attribute = type.GetCustomAttributesData().Single(a => a.AttributeType.Name == "CmdletAttribute");
        Verb = (string)attribute.ConstructorArguments[0].Value!;
        Noun = (string)attribute.ConstructorArguments[1].Value!;
        Named = attribute.NamedArguments.ToDictionary(a => a.MemberName, a => a.TypedValue.Value);
        OutputTypes = type.GetCustomAttributesData()
            .Where(a => a.AttributeType.Name == "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> list ? list.Select(l => l.Value) : [arg.Value])
            .OfType<Type>()
            .ToList();
        Parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attributes: p.GetCustomAttributesData().Where(a => a.AttributeType.Name == "ParameterAttribute").ToList()))
            .Where(p => p.Attributes.Count > 0)
            .Select(p => new ParameterInfo(p.Property, p.Attributes))
            .ToList();
    }

    public Type Type { get; }
    public string Verb { get; }
    public string Noun { get; }
    public string Name => $"{Verb}-{Noun}";
    public IReadOnlyDictionary<string, object?> Named { get; }
    public IReadOnlyList<Type> OutputTypes { get; }
    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public bool SupportsShouldProcess => Named.TryGetValue("SupportsShouldProcess", out var v) && v is true;

    /// <summary>ConfirmImpact as its name (Medium is 2 in the enum).</summary>
    public string? ConfirmImpact => Named.TryGetValue("ConfirmImpact", out var v) && v is int i
        ? new[] { "None", "Low", "Medium", "High" }[i]
        : null;

    public ParameterInfo? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}

internal sealed class ParameterInfo
{
    public ParameterInfo(PropertyInfo property, IReadOnlyList<CustomAttributeData> parameterAttributes)
    {
        Name = property.Name;
        Type = property.PropertyType;
        Sets = parameterAttributes.Select(a => new ParameterSetUse(a.NamedArguments.ToDictionary(n => n.MemberName, n => n.TypedValue.Value))).ToList();
        Aliases = property.GetCustomAttributesData()
            .Where(a => a.AttributeType.Name == "AliasAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> list ? list.Select(l => (string)l.Value!) : [(string)arg.Value!])
            .ToList();
        Attributes = property.GetCustomAttributesData().Select(a => a.AttributeType.Name).ToList();
        CompleterTypes = property.GetCustomAttributesData()
            .Where(a => a.AttributeType.Name == "ArgumentCompleterAttribute")
            .Select(a => a.ConstructorArguments[0].Value)
            .OfType<Type>()
            .ToList();
    }

    public string Name { get; }
    public Type Type { get; }
    public IReadOnlyList<ParameterSetUse> Sets { get; }
    public IReadOnlyList<string> Aliases { get; }
    public IReadOnlyList<string> Attributes { get; }
    public IReadOnlyList<Type> CompleterTypes { get; }

    public bool Mandatory => Sets.Any(s => s.Mandatory);
    public bool ByValue => Sets.Any(s => s.ValueFromPipeline);
    public bool ByPropertyName => Sets.Any(s => s.ValueFromPipelineByPropertyName);
    public int? Position => Sets.Select(s => s.Position).FirstOrDefault(p => p is not null);
    public bool DontShow => Sets.Any(s => s.DontShow);
}

internal sealed class ParameterSetUse(IReadOnlyDictionary<string, object?> named)
{
    public string SetName => named.TryGetValue("ParameterSetName", out var v) && v is string s ? s : "__AllParameterSets";
    public bool Mandatory => named.TryGetValue("Mandatory", out var v) && v is true;
    public bool ValueFromPipeline => named.TryGetValue("ValueFromPipeline", out var v) && v is true;
    public bool ValueFromPipelineByPropertyName => named.TryGetValue("ValueFromPipelineByPropertyName", out var v) && v is true;
    public int? Position => named.TryGetValue("Position", out var v) && v is int i && i >= 0 ? i : null;
    public bool DontShow => named.TryGetValue("DontShow", out var v) && v is true;
}
