using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>
/// The parser records where a file uses a stanza Upstart 1.13 does not know (JobClassConfig.BeyondUpstart),
/// so `check --upstart-compatible` can point at it without reading the file again.
/// </summary>
public sealed class BeyondUpstartStanzaTests
{
    private const string ConfPath = "/etc/init/web.conf";
    private const string OverridePath = "/etc/init/web.override";

    private static JobClassConfig Parse(string text) => JobFileParser.Parse("web", ConfPath, text).Config!;

    [Fact]
    public void A_file_of_Upstart_stanzas_records_nothing()
    {
        var job = Parse("respawn\nrespawn limit 10 5\nkill timeout 30\npre-start exec true\nexec /bin/web\n");
        Assert.Empty(job.BeyondUpstart);
    }

    [Fact]
    public void Pre_restart_and_respawn_delay_are_recorded_at_their_keyword_in_file_order()
    {
        var job = Parse("exec /bin/web\n\tpre-restart exec /bin/web -t\nrespawn\n  respawn delay 1 30 # back off\n");
        Assert.Equal(
            [new StanzaLocation("pre-restart", ConfPath, 2, 2), new StanzaLocation("respawn delay", ConfPath, 4, 3)],
            job.BeyondUpstart.ToArray());
    }

    [Fact]
    public void Every_use_is_recorded_even_when_a_later_one_wins()
    {
        var job = Parse("respawn delay 1\nrespawn delay 2\nexec /bin/web\n");
        Assert.Equal([1, 2], job.BeyondUpstart.Select(s => s.Line).ToArray());
    }

    [Fact]
    public void Text_inside_a_script_block_is_not_a_stanza()
    {
        var job = Parse("script\n  respawn delay 9\n  pre-restart exec x\nend script\n");
        Assert.Empty(job.BeyondUpstart);
    }

    [Fact]
    public void A_pre_restart_script_is_recorded_at_its_first_line()
    {
        var job = Parse("exec /bin/web\npre-restart script\n  /bin/web -t\nend script\n");
        Assert.Equal(new StanzaLocation("pre-restart", ConfPath, 2, 1), Assert.Single(job.BeyondUpstart));
    }

    [Fact]
    public void An_override_adds_its_own_after_the_confs_naming_itself()
    {
        var conf = Parse("respawn delay 1\nexec /bin/web\n");
        var job = JobFileParser.ApplyOverride(conf, OverridePath, "\n pre-restart exec true\n").Config!;
        Assert.Equal(
            [new StanzaLocation("respawn delay", ConfPath, 1, 1), new StanzaLocation("pre-restart", OverridePath, 2, 2)],
            job.BeyondUpstart.ToArray());
    }

    [Fact]
    public void An_override_stanza_that_fails_to_parse_is_not_recorded()
    {
        var conf = Parse("exec /bin/web\n");
        var result = JobFileParser.ApplyOverride(conf, OverridePath, "respawn delay 1\nrespawn delay x\n");
        Assert.Single(result.Diagnostics);
        Assert.Equal([1], result.Config!.BeyondUpstart.Select(s => s.Line).ToArray());
    }
}
