using System.Xml.Linq;

namespace UpstartPS.Tests.Contract;

/// <summary>UpstartPS.Format.ps1xml: every view names a real type, and every output type has table and list views, also for its Deserialized twin.</summary>
public sealed class FormatTests(ModuleFixture fixture) : IClassFixture<ModuleFixture>
{
    private const string Deserialized = "Deserialized.";
    private readonly XDocument _format = XDocument.Load(ModuleLayout.FormatFile);

    private IEnumerable<XElement> Views => _format.Root!.Element("ViewDefinitions")!.Elements("View");

    private IEnumerable<string> ViewsFor(string typeName, string control) =>
        Views.Where(v => v.Element(control) is not null && v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == typeName))
            .Select(v => v.Element("Name")!.Value);

    public static TheoryData<string> OutputTypes()
    {
        using var module = ModuleMetadata.Load();
        var data = new TheoryData<string>();
        foreach (var type in module.Cmdlets.SelectMany(c => c.OutputTypes).Where(t => t.Namespace == "UpstartPS").Select(t => t.FullName!).Distinct())
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void Every_type_named_in_the_format_file_exists_in_the_module()
    {
        var names = Views.SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName")).Select(t => t.Value).Distinct().ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.NotNull(fixture.Module.FindType(n.StartsWith(Deserialized, StringComparison.Ordinal) ? n[Deserialized.Length..] : n)));
    }

    [Theory]
    [MemberData(nameof(OutputTypes))]
    public void Every_output_type_and_its_deserialized_twin_have_table_and_list_views(string type)
    {
        foreach (var name in new[] { type, Deserialized + type })
        {
            Assert.NotEmpty(ViewsFor(name, "TableControl"));
            Assert.NotEmpty(ViewsFor(name, "ListControl"));
        }
    }

    [Fact]
    public void The_table_view_comes_first_for_each_type_so_it_is_the_default()
    {
        foreach (var group in Views.GroupBy(v => v.Element("ViewSelectedBy")!.Elements("TypeName").First().Value))
        {
            Assert.NotNull(group.First().Element("TableControl"));
        }
    }

    [Fact]
    public void Every_property_a_view_names_exists_on_its_type()
    {
        foreach (var view in Views)
        {
            var type = fixture.Module.FindType(view.Element("ViewSelectedBy")!.Elements("TypeName").First().Value)!;
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
            {
                Assert.True(type.GetProperty(property) is not null, $"{type.Name}.{property} (view {view.Element("Name")!.Value})");
            }
        }
    }

    [Fact]
    public void Table_headers_match_their_columns()
    {
        foreach (var table in Views.Select(v => v.Element("TableControl")).OfType<XElement>())
        {
            Assert.Equal(
                table.Element("TableHeaders")!.Elements("TableColumnHeader").Count(),
                table.Descendants("TableColumnItems").Single().Elements("TableColumnItem").Count());
        }
    }
}
