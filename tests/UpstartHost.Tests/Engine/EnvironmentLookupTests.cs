using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine;

/// <summary>An instance's environment read as a table, without a copy of its own.</summary>
public sealed class EnvironmentLookupTests
{
    [Fact]
    public void A_key_reads_its_value_and_a_longer_or_shorter_key_does_not_match()
    {
        var lookup = new EnvironmentLookup(["PATH=/bin", "PATHS=x", "P=", "EQ=a=b"]);

        Assert.True(lookup.TryGetValue("PATH", out var path));
        Assert.Equal("/bin", path);
        Assert.Equal("x", lookup["PATHS"]);
        Assert.Equal("", lookup["P"]);
        Assert.Equal("a=b", lookup["EQ"]);
        Assert.False(lookup.ContainsKey("PAT"));
        Assert.False(lookup.ContainsKey("PATH=/bin"));
    }

    [Fact]
    public void A_repeated_key_reads_its_last_value_as_the_table_built_in_order_did()
    {
        var lookup = new EnvironmentLookup(["A=1", "B=2", "A=3"]);

        Assert.Equal("3", lookup["A"]);
        Assert.Equal(2, lookup.Count);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "3", ["B"] = "2" }, lookup.ToDictionary());
    }
}
