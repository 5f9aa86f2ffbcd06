using UpstartPS.Arguments;

namespace UpstartPS.Tests.Logic;

public sealed class EnvironmentScopeTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void No_job_is_the_global_table_whether_it_is_null_or_an_empty_csv_column(string? job, string? instance)
    {
        var scope = EnvironmentScope.From(job, instance);
        Assert.True(scope.IsGlobal);
        Assert.Null(scope.Job);
        Assert.Null(scope.Instance);
        Assert.Equal("the global job environment", scope.ToString());
    }

    [Fact]
    public void A_job_without_an_instance_means_its_only_instance_named_empty()
    {
        var scope = EnvironmentScope.From("web", null);
        Assert.Equal("web", scope.Job);
        Assert.Equal("", scope.Instance);
        Assert.Equal("the environment of web", scope.ToString());
    }

    [Fact]
    public void A_job_and_an_instance_name_that_instance_s_environment() =>
        Assert.Equal("the environment of worker (instance: alpha)", EnvironmentScope.From("worker", "alpha").ToString());

    [Fact]
    public void An_instance_without_a_job_is_refused_rather_than_widened_to_the_global_table()
    {
        var error = Assert.Throws<ArgumentException>(() => EnvironmentScope.From(null, "alpha"));
        Assert.Contains("-Job", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("web\nfake", null)]
    [InlineData("worker", "a\u001b[2J")]
    public void Names_the_daemon_would_refuse_are_refused_here(string job, string? instance) =>
        Assert.Throws<ArgumentException>(() => EnvironmentScope.From(job, instance));
}
