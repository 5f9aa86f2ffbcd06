using Upstart.JobFiles.Loading;

namespace Upstart.JobFiles.Tests.Loading;

public sealed class JobNameTests
{
    [Theory]
    [InlineData("ssh")]
    [InlineData("net/apache")]
    [InlineData("a-b_c.d@e")]
    [InlineData("übung")]
    public void Ordinary_names_are_accepted(string name) => Assert.Null(JobName.Validate(name));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a/../b")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("-x")]
    [InlineData("a/-x")]
    [InlineData("a\nb")]
    [InlineData("a\u007fb")]
    [InlineData("a b")]
    [InlineData("a\u202eb")]
    public void Hostile_names_are_refused(string name) => Assert.NotNull(JobName.Validate(name));

    [Fact]
    public void Names_longer_than_the_limit_are_refused()
    {
        Assert.Null(JobName.Validate(new string('a', JobName.MaxLength)));
        Assert.NotNull(JobName.Validate(new string('a', JobName.MaxLength + 1)));
    }

    [Theory]
    [InlineData("a/b.conf", "a/b")]
    [InlineData("ssh.conf", "ssh")]
    [InlineData("ssh.override", null)]
    public void Names_are_paths_without_the_suffix(string path, string? name) => Assert.Equal(name, JobName.FromRelativePath(path));

    [Fact]
    public void Sanitized_names_are_printable()
    {
        Assert.Equal("a\\u000ab\\u005c", JobName.Sanitize("a\nb\\"));
    }
}
