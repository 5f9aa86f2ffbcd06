using Upstart.JobFiles.Parsing;
using UpstartHost.Control;

namespace UpstartHost.Tests.Control;

/// <summary>show-config's conf/override provenance comes from what the parser recorded, not from re-reading files.</summary>
public sealed class ProvenanceTests
{
    // Neither path exists: provenance must not need them.
    private const string Conf = "/nonexistent/init/web.conf";
    private const string Override = "/nonexistent/init/web.override";

    [Fact]
    public void Settings_the_override_made_are_override_and_the_rest_conf()
    {
        var conf = JobFileParser.Parse("web", Conf, "start on a\nkill timeout 9\nkill signal INT\nexec /bin/web\n").Config!;
        var merged = JobFileParser.ApplyOverride(conf, Override, "start on b\nkill timeout 30\n").Config!;

        var provenance = Provenance.For(merged);

        Assert.Equal("override", provenance["start on"]);
        Assert.Equal("override", provenance["kill timeout"]);
        Assert.Equal("conf", provenance["kill signal"]);
        Assert.Equal("conf", provenance["exec"]);
    }

    [Fact]
    public void An_override_that_repeats_the_conf_value_still_set_it()
    {
        var conf = JobFileParser.Parse("web", Conf, "respawn limit 3 9\n").Config!;
        var merged = JobFileParser.ApplyOverride(conf, Override, "respawn limit 3 9\n").Config!;

        Assert.Equal("override", Provenance.For(merged)["respawn limit"]);
    }

    [Fact]
    public void Settings_no_file_made_are_not_listed()
    {
        var conf = JobFileParser.Parse("web", Conf, "exec /bin/web\n").Config!;

        Assert.Equal(["exec"], Provenance.For(conf).Keys);
    }

    [Fact]
    public void A_setting_written_at_its_default_value_is_still_listed()
    {
        // The conf said `kill timeout 5`: the file made the setting even though 5 is the default.
        var conf = JobFileParser.Parse("web", Conf, "kill timeout 5\nconsole log\nexec /bin/web\n").Config!;

        Assert.Equal(["console", "exec", "kill timeout"], Provenance.For(conf).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_override_that_restores_a_default_is_listed_as_override()
    {
        var conf = JobFileParser.Parse("web", Conf, "kill timeout 30\nexec /bin/web\n").Config!;
        var merged = JobFileParser.ApplyOverride(conf, Override, "kill timeout 5\n").Config!;

        Assert.Equal("override", Provenance.For(merged)["kill timeout"]);
    }

    [Theory]
    [InlineData("nice 5\n", "nice")]
    [InlineData("umask 077\n", "umask")]
    [InlineData("oom score 100\n", "oom score")]
    [InlineData("limit nofile 10 20\n", "limit")]
    [InlineData("cgroup memory\n", "cgroup")]
    [InlineData("apparmor switch p\n", "apparmor switch")]
    [InlineData("debug\n", "debug")]
    public void Every_stanza_the_override_uses_is_listed_without_a_list_of_stanzas(string stanza, string setting)
    {
        var conf = JobFileParser.Parse("web", Conf, "exec /bin/web\n").Config!;
        var merged = JobFileParser.ApplyOverride(conf, Override, stanza).Config!;

        Assert.Equal("override", Provenance.For(merged)[setting]);
    }

    [Fact]
    public void Apparmor_load_in_the_override_is_listed_by_its_stanza_name()
    {
        var conf = JobFileParser.Parse("web", Conf, "exec /bin/web\n").Config!;
        var merged = JobFileParser.ApplyOverride(conf, Override, "apparmor load /etc/apparmor.d/web\n").Config!;

        Assert.Equal("override", Provenance.For(merged)["apparmor load"]);
    }
}
