using System.Xml.Linq;

namespace UpstartPS.Tests.Contract;

/// <summary>en-US/UpstartPS.dll-Help.xml (exact name: Linux file names are case-sensitive) covers every cmdlet fully.</summary>
public sealed class HelpTests(ModuleFixture fixture) : IClassFixture<ModuleFixture>
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly XDocument _help = XDocument.Load(ModuleLayout.HelpFile);

    private XElement HelpFor(string name) =>
        _help.Root!.Elements(Command + "command").Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == name);

    public static TheoryData<string> CmdletNames()
    {
        using var module = ModuleMetadata.Load();
        var data = new TheoryData<string>();
        foreach (var cmdlet in module.Cmdlets)
        {
            data.Add(cmdlet.Name);
        }

        return data;
    }

    [Fact]
    public void The_help_file_is_named_after_the_assembly_with_exact_casing() =>
        Assert.Contains("UpstartPS.dll-Help.xml", Directory.GetFiles(Path.GetDirectoryName(ModuleLayout.HelpFile)!).Select(Path.GetFileName));

    [Fact]
    public void Every_cmdlet_has_exactly_one_help_entry() =>
        Assert.Equal(
            fixture.Module.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal),
            _help.Root!.Elements(Command + "command").Select(c => c.Element(Command + "details")!.Element(Command + "name")!.Value).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_cmdlet_has_a_synopsis_and_a_description(string name)
    {
        var help = HelpFor(name);
        Assert.False(string.IsNullOrWhiteSpace(help.Element(Command + "details")!.Element(Maml + "description")?.Value));
        Assert.False(string.IsNullOrWhiteSpace(help.Element(Maml + "description")?.Value));
        var details = help.Element(Command + "details")!;
        Assert.Equal(name, $"{details.Element(Command + "verb")!.Value}-{details.Element(Command + "noun")!.Value}");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_parameter_is_documented_with_its_binding(string name)
    {
        var cmdlet = fixture.Module.Cmdlets.Single(c => c.Name == name);
        var documented = HelpFor(name).Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value);
        foreach (var parameter in cmdlet.Parameters)
        {
            if (parameter.DontShow)
            {
                // Hidden from the user (only the pipeline binds it): the help does not show it either.
                Assert.False(documented.ContainsKey(parameter.Name), $"{name} documents the hidden parameter -{parameter.Name}");
                continue;
            }

            Assert.True(documented.TryGetValue(parameter.Name, out var help), $"{name} -{parameter.Name} is not documented");
            Assert.False(string.IsNullOrWhiteSpace(help.Element(Maml + "description")?.Value), $"{name} -{parameter.Name} has no description");
            Assert.Equal(parameter.Mandatory ? "true" : "false", help.Attribute("required")!.Value);
            Assert.Equal(parameter.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named", help.Attribute("position")!.Value);
            Assert.Equal(parameter.ByValue, help.Attribute("pipelineInput")!.Value.Contains("ByValue", StringComparison.Ordinal));
            Assert.Equal(parameter.ByPropertyName, help.Attribute("pipelineInput")!.Value.Contains("ByPropertyName", StringComparison.Ordinal));
        }

        var declared = cmdlet.Parameters.Select(p => p.Name).ToHashSet();
        var common = cmdlet.SupportsShouldProcess ? new[] { "WhatIf", "Confirm" } : [];
        Assert.All(documented.Keys, d => Assert.True(declared.Contains(d) || common.Contains(d), $"{name} documents unknown parameter -{d}"));
        Assert.All(common, c => Assert.Contains(c, documented.Keys));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_cmdlet_has_at_least_two_examples_that_use_it(string name)
    {
        var examples = HelpFor(name).Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.True(examples.Count >= 2, $"{name} has {examples.Count} example(s)");
        Assert.All(examples, e =>
        {
            Assert.Contains(name, e.Element(Dev + "code")!.Value, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(e.Element(Dev + "remarks")?.Value));
        });
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void Every_declared_output_type_is_documented(string name)
    {
        var cmdlet = fixture.Module.Cmdlets.Single(c => c.Name == name);
        var documented = HelpFor(name).Element(Command + "returnValues")!.Elements(Command + "returnValue")
            .Select(r => r.Element(Dev + "type")!.Element(Maml + "name")!.Value).ToList();
        Assert.All(cmdlet.OutputTypes, t => Assert.Contains(t.FullName!, documented));
    }

    [Fact]
    public void The_about_topic_names_itself_on_its_second_line_and_covers_fleets()
    {
        var lines = File.ReadAllLines(ModuleLayout.AboutFile);
        Assert.Equal("TOPIC", lines[0].Trim());
        Assert.Equal("about_UpstartPS", lines[1].Trim());
        var text = string.Join('\n', lines);
        Assert.Contains("Invoke-Command -HostName", text, StringComparison.Ordinal);
        Assert.Contains("EVENTS", text, StringComparison.Ordinal);
        Assert.Contains("UPSTARTPS_SOCKET", text, StringComparison.Ordinal);
    }
}
