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

    [Fact]
    public void Names_whose_log_file_name_would_not_fit_in_NAME_MAX_are_refused_in_bytes()
    {
        var fits = new string('日', JobName.MaxBytes / 3); // 3 bytes each in UTF-8: 81 characters, 243 bytes
        Assert.Null(JobName.Validate(fits));
        Assert.Equal("246 bytes in UTF-8, longer than the 245 its log file name leaves room for", JobName.Validate(fits + "日"));
        Assert.True((fits + "日").Length < JobName.MaxLength, "the refused name must be within the character limit to test the byte limit");
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

    [Theory]
    [InlineData("tty1")]
    [InlineData("/dev/ttyS0")]
    [InlineData("my worker")]
    [InlineData("café-日本-\U0001F680")]
    public void Instance_names_Upstart_users_give_are_accepted(string instance) => Assert.Null(JobName.InstanceProblem(instance));

    [Theory]
    [InlineData("web\u202Enimda", "instance name contains the invisible or text-reordering character U+202E at position 4")]
    [InlineData("ad\u200Bmin", "instance name contains the invisible or text-reordering character U+200B at position 3")]
    [InlineData("x\u200F", "instance name contains the invisible or text-reordering character U+200F at position 2")]
    public void Instance_names_with_format_or_invisible_characters_are_refused_naming_them(string instance, string problem) =>
        Assert.Equal(problem, JobName.InstanceProblem(instance));

    [Fact]
    public void An_instance_name_with_half_a_surrogate_pair_is_refused() =>
        Assert.Equal("instance name contains the invisible or text-reordering character U+DC00 at position 1", JobName.InstanceProblem("\uDC00"));
}
