using UpstartPS.Protocol.Messages;

namespace UpstartPS.Tests.Logic;

public sealed class ConfigurationSummaryTests
{
    [Fact]
    public void The_summary_names_what_would_be_added_changed_and_removed() =>
        Assert.Equal("add a, b; change c; remove d",
            ConfigurationSummary.Describe(new ConfigurationChange(["a", "b"], ["c"], ["d"], [])));

    [Fact]
    public void An_empty_change_says_so() =>
        Assert.Equal("no job would be added, changed or removed", ConfigurationSummary.Describe(new ConfigurationChange([], [], [], [])));

    [Fact]
    public void Each_job_becomes_one_change_object()
    {
        var changes = UpstartConfigurationChange.From(new ConfigurationChange(["a"], ["c"], ["d"], [])).Select(c => c.ToString());
        Assert.Equal(["Added a", "Changed c", "Removed d"], changes);
    }
}
