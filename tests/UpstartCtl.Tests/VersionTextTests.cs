namespace UpstartCtl.Tests;

public sealed class VersionTextTests
{
    [Fact]
    public void Version_names_the_version_the_assembly_was_built_as()
    {
        // The text is a constant written at build time; the assembly's own version is what it must match.
        var built = typeof(UpstartCtl.Ctl).Assembly.GetName().Version!.ToString(3);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = UpstartCtl.Ctl.Run("upstartctl", ["--version"], output, error);

        Assert.Equal((0, $"upstartctl (upstartps {built})\n", ""), (exit, output.ToString(), error.ToString()));
    }
}
