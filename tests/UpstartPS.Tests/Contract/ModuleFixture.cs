namespace UpstartPS.Tests.Contract;

/// <summary>One MetadataLoadContext over the built module, shared by the contract tests of a class.</summary>
public sealed class ModuleFixture : IDisposable
{
    internal ModuleMetadata Module { get; } = ModuleMetadata.Load();

    public void Dispose() => Module.Dispose();
}
