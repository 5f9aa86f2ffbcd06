using UpstartHost.Engine;

namespace UpstartHost.Tests.Engine.Conformance;

/// <summary>The runner rejects a malformed case instead of passing it vacuously.</summary>
public sealed class StateCaseParserTests
{
    private const string Valid = "# d\njob: service respawn respawn-limit=5,10\nprocesses: main\ninitial: start/running\nrunning: main\naction: exit main 1\nexpect: start/stopping\n";

    [Fact]
    public void A_valid_case_parses_every_field()
    {
        var c = StateCase.Parse("x", Valid);

        Assert.True(c.Respawn);
        Assert.Equal(new Upstart.JobFiles.Model.RespawnLimit(5, 10), c.RespawnLimit);
        Assert.Equal((JobGoal.Start, JobState.Running), c.Initial);
        Assert.Equal([new StateAction.Exit(Upstart.JobFiles.Model.ProcessKind.Main, 1)], c.Action);
    }

    [Theory]
    [InlineData("wibble: 1\n")]
    [InlineData("expect: start/nowhere\n")]
    [InlineData("then: exit main 0\n")]
    [InlineData("failed: main code=1\n")]
    [InlineData("no colon here\n")]
    public void Unknown_keys_and_bad_values_are_rejected(string extra)
    {
        var text = extra.StartsWith("expect:", StringComparison.Ordinal) ? Valid.Replace("expect: start/stopping\n", extra, StringComparison.Ordinal) : Valid + extra;

        Assert.Throws<FormatException>(() => StateCase.Parse("x", text));
    }

    [Theory]
    [InlineData("job: daemon\n")]
    [InlineData("action: explode main\n")]
    [InlineData("running: pre-start\n")]
    public void Bad_job_words_actions_and_processes_are_rejected(string replacement)
    {
        var key = replacement[..replacement.IndexOf(':', StringComparison.Ordinal)];
        var lines = Valid.Split('\n').Select(l => l.StartsWith(key + ":", StringComparison.Ordinal) ? replacement.TrimEnd('\n') : l);

        Assert.Throws<FormatException>(() => StateCase.Parse("x", string.Join('\n', lines)));
    }

    [Fact]
    public void A_case_without_a_description_line_is_rejected()
    {
        Assert.Throws<FormatException>(() => StateCase.Parse("x", Valid[4..]));
    }
}
