using System.Xml.Linq;

namespace UpstartPS.Tests.Contract;

/// <summary>UpstartPS.psd1 as packaged: the fields about_Module_Manifests and the Gallery need.</summary>
public sealed class ManifestTests(ModuleFixture fixture) : IClassFixture<ModuleFixture>
{
    private readonly Psd1 _manifest = Psd1.Load(ModuleLayout.Manifest);

    [Fact]
    public void The_root_module_is_the_compiled_dll() => Assert.Equal("UpstartPS.dll", _manifest.Scalar("RootModule"));

    [Fact]
    public void The_module_version_is_the_repository_version()
    {
        var props = XDocument.Load(Path.Combine(ModuleLayout.RepoRoot, "Directory.Build.props"));
        var version = props.Descendants("Version").Single().Value;
        Assert.Equal(version, _manifest.Scalar("ModuleVersion"));
    }

    [Fact]
    public void The_module_is_for_PowerShell_7_4_Core_only()
    {
        Assert.Equal(["Core"], _manifest.List("CompatiblePSEditions"));
        Assert.Equal("7.4", _manifest.Scalar("PowerShellVersion"));
        Assert.True(Version.TryParse(_manifest.Scalar("PowerShellVersion"), out _));
    }

    [Fact]
    public void The_manifest_has_a_guid() => Assert.True(Guid.TryParse(_manifest.Scalar("GUID"), out _));

    [Fact]
    public void Exported_cmdlets_are_exactly_the_cmdlets_in_the_dll()
    {
        var exported = _manifest.List("CmdletsToExport");
        Assert.NotNull(exported);
        Assert.DoesNotContain(exported, e => e.Contains('*', StringComparison.Ordinal));
        Assert.Equal(fixture.Module.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("FunctionsToExport")]
    [InlineData("VariablesToExport")]
    [InlineData("AliasesToExport")]
    public void Nothing_but_cmdlets_is_exported(string key) => Assert.Equal([], _manifest.List(key));

    [Fact]
    public void The_format_file_is_processed_and_shipped()
    {
        Assert.Equal(["UpstartPS.Format.ps1xml"], _manifest.List("FormatsToProcess"));
        Assert.True(File.Exists(ModuleLayout.FormatFile));
    }

    [Fact]
    public void The_gallery_tags_are_present_and_no_link_points_at_a_repository_that_does_not_exist()
    {
        var tags = _manifest.List("Tags");
        Assert.NotNull(tags);
        Assert.Contains("PSEdition_Core", tags);
        Assert.Contains("Linux", tags);
        Assert.Contains("Upstart", tags);
        Assert.Contains("Supervisor", tags);
        Assert.DoesNotContain(tags, t => t.Contains(' ', StringComparison.Ordinal));
        // There is no public repository or licence page yet: a gallery link to nowhere is worse than none.
        Assert.Null(_manifest.Scalar("ProjectUri"));
        Assert.Null(_manifest.Scalar("LicenseUri"));
        Assert.False(string.IsNullOrWhiteSpace(_manifest.Scalar("Description")));
    }
}
