using Upstart.JobFiles.Events;

namespace Upstart.JobFiles.Tests;

/// <summary>Environments built from one base share that base's strings (idle memory, issue 11).</summary>
public sealed class EnvironmentBuilderTests
{
    [Fact]
    public void An_entry_set_from_text_comes_back_as_that_same_string()
    {
        var text = string.Concat("HOME=", "/root");
        var builder = new EnvironmentBuilder();
        builder.SetEntry(text);
        builder.SetEntry("TERM=linux");

        Assert.Same(text, builder.ToList()[0]);
    }

    [Fact]
    public void An_entry_replaced_or_removed_does_not_bring_its_old_text_back()
    {
        var builder = new EnvironmentBuilder();
        builder.SetEntry("A=1");
        builder.SetEntry("B=2");
        builder.SetEntry("C=3");
        builder.Set("A", "9");
        builder.Remove("B");

        Assert.Equal(["A=9", "C=3"], builder.ToList());
    }
}
