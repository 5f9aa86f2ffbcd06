using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>Beyond Upstart: `respawn delay INITIAL [MAX]` (docs/job-files.md).</summary>
public sealed class RespawnDelayStanzaTests
{
    private static JobClassConfig Ok(string text)
    {
        var result = JobFileParser.Parse("j", "/etc/init/j.conf", text);
        Assert.True(result.Config is not null, string.Join("; ", result.Diagnostics));
        return result.Config;
    }

    private static Diagnostics.Diagnostic Error(string text) =>
        Assert.Single(JobFileParser.Parse("j", "/etc/init/j.conf", text).Diagnostics);

    [Fact]
    public void A_file_without_the_stanza_leaves_the_delay_to_the_daemon() => Assert.Null(Ok("respawn\n").RespawnDelay);

    [Fact]
    public void Initial_and_max_are_read_in_seconds()
    {
        var job = Ok("respawn delay 2 60\n");
        Assert.Equal(new RespawnDelay(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)), job.RespawnDelay);
    }

    [Fact]
    public void Initial_alone_is_a_fixed_delay() =>
        Assert.Equal(RespawnDelay.Fixed(TimeSpan.FromSeconds(3)), Ok("respawn delay 3").RespawnDelay);

    [Theory]
    [InlineData("respawn delay 0.5 1.25", 500, 1250)]
    [InlineData("respawn delay 0.001 86400", 1, 86_400_000)]
    [InlineData("respawn delay 0", 0, 0)]
    [InlineData("respawn delay \"1\" 2 # quoted and commented", 1000, 2000)]
    public void Fractions_to_milliseconds_and_zero_are_accepted(string text, int initialMs, int maxMs) =>
        Assert.Equal(
            new RespawnDelay(TimeSpan.FromMilliseconds(initialMs), TimeSpan.FromMilliseconds(maxMs)),
            Ok(text).RespawnDelay);

    [Fact]
    public void The_stanza_does_not_turn_respawn_on()
    {
        var job = Ok("respawn delay 1 8\n");
        Assert.False(job.Respawn);
        Assert.Equal(RespawnLimit.Default, job.RespawnLimit);
    }

    [Fact]
    public void The_last_stanza_wins_and_an_override_replaces_it()
    {
        var conf = Ok("respawn delay 1 8\nrespawn delay 2 4\n");
        Assert.Equal(new RespawnDelay(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)), conf.RespawnDelay);

        var result = JobFileParser.ApplyOverride(conf, "/etc/init/j.override", "respawn delay 0\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(RespawnDelay.None, result.Config!.RespawnDelay);
        Assert.Contains("respawn delay", result.Config.OverrideSettings);
    }

    [Theory]
    [InlineData("respawn delay -1", 15)]
    [InlineData("respawn delay 1e3", 15)]
    [InlineData("respawn delay .5", 15)]
    [InlineData("respawn delay 5.", 15)]
    [InlineData("respawn delay 0.0001", 15)]
    [InlineData("respawn delay 86400.001", 15)]
    [InlineData("respawn delay 99999999999999999999999", 15)]
    [InlineData("respawn delay 1x", 15)]
    [InlineData("respawn delay 4 2", 17)]
    [InlineData("respawn delay 1 forever", 17)]
    public void Bad_values_are_illegal_delays_reported_at_the_value(string text, int column)
    {
        var d = Error("task\n" + text + "\n");
        Assert.Equal(
            (2, column, "illegal-delay", "Illegal delay, expected seconds from 0 to 86400 (MAX no less than INITIAL)"),
            (d.Line, d.Column, d.Kind, d.Message));
    }

    [Fact]
    public void A_missing_initial_is_an_expected_token()
    {
        var d = Error("respawn delay\n");
        Assert.Equal((1, "expected-token"), (d.Line, d.Kind));
    }

    [Fact]
    public void A_third_value_is_an_unexpected_token()
    {
        var d = Error("respawn delay 1 2 3\n");
        Assert.Equal((1, 19, "unexpected-token"), (d.Line, d.Column, d.Kind));
    }

    [Theory]
    [InlineData("respawn delays 1")]
    [InlineData("respawn Delay 1")]
    public void Other_words_after_respawn_are_still_unknown_stanzas(string text) =>
        Assert.Equal("unknown-stanza", Error(text).Kind);
}
