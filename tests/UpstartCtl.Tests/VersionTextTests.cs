namespace UpstartCtl.Tests;

public sealed class VersionTextTests
{
    [Fact]
    public void Version_names_the_version_the_assembly_was_built_as()
    {
        // The text is a constant written at build time; the assembly's own version is what it must match.
        var built = BuildVersion();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = UpstartCtl.Ctl.Run("upstartctl", ["--version"], output, error);

        Assert.Equal((0, $"upstartctl (upstartps {built})\n", ""), (exit, output.ToString(), error.ToString()));
    }

    [Theory]
    [InlineData("start", new[] { "--version" })]
    [InlineData("status", new[] { "--version", "ssh" })]
    [InlineData("initctl", new[] { "version", "--version" })]
    public void Version_option_prints_the_version_under_every_name_and_runs_no_command(string program, string[] argv)
    {
        // libnih answers --version while reading the options, whatever the name and the command: `start --version`
        // prints the version and exits 0 (it neither says `missing job name` nor starts anything).
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = UpstartCtl.Ctl.Run(program, argv, output, error);

        Assert.Equal((0, $"{program} (upstart 1.13.2) upstartps {BuildVersion()}\n", ""), (exit, output.ToString(), error.ToString()));
    }

    [Fact]
    public void Version_under_initctl_s_name_gives_the_upstart_version_deployment_tools_parse()
    {
        // Puppet's upstart provider: `initctl("--version").match(/initctl \(upstart ([^)]*)\)/)[1]`; no match breaks it.
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, UpstartCtl.Ctl.Run("initctl", ["--version"], output, error));

        var match = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"initctl \(upstart ([^)]*)\)");
        Assert.True(match.Success, output.ToString());
        Assert.Equal("1.13.2", match.Groups[1].Value);
        Assert.Contains($"upstartps {BuildVersion()}", output.ToString(), StringComparison.Ordinal);
    }

    private static string BuildVersion() => typeof(UpstartCtl.Ctl).Assembly.GetName().Version!.ToString(3);
}
