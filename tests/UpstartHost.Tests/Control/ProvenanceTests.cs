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
    public void Settings_left_at_their_defaults_are_not_listed()
    {
        var conf = JobFileParser.Parse("web", Conf, "kill timeout 5\nconsole log\nexec /bin/web\n").Config!;

        Assert.Equal(["exec"], Provenance.For(conf).Keys);
    }

    [Fact]
    public void The_security_process_is_what_apparmor_load_in_the_override_set()
    {
        var conf = JobFileParser.Parse("web", Conf, "exec /bin/web\n").Config!;
        var merged = JobFileParser.ApplyOverride(conf, Override, "apparmor load /etc/apparmor.d/web\n").Config!;

        Assert.Equal("override", Provenance.For(merged)["security"]);
    }
}
