using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>UPSTART.md §a.3: an override is parsed on top of the conf with the same stanza table.</summary>
public sealed class OverrideTests
{
    private static readonly JobClassConfig Conf = JobFileParser.Parse(
        "foo", "/etc/init/foo.conf",
        "description \"d\"\nstart on a\nstop on b\nenv A=1\nemits x\nnormal exit 2\nexec /bin/foo\n").Config!;

    [Fact]
    public void Lists_append_and_scalars_replace()
    {
        var result = JobFileParser.ApplyOverride(Conf, "/etc/init/foo.override", "description \"e\"\nenv B=2\nemits y\nnormal exit 3\nexec /bin/bar\n");
        var job = result.Config!;
        Assert.Empty(result.Diagnostics);
        Assert.Equal("e", job.Description);
        Assert.Equal(["A=1", "B=2"], job.Env.ToArray());
        Assert.Equal(["x", "y"], job.Emits.ToArray());
        Assert.Equal([ExitStatus.FromStatus(2), ExitStatus.FromStatus(3)], job.NormalExit.ToArray());
        Assert.Equal("/bin/bar", job.GetProcess(ProcessKind.Main)!.Command);
        Assert.Equal("/etc/init/foo.override", job.OverridePath);
        Assert.Equal("/etc/init/foo.conf", job.SourcePath);
    }

    [Fact]
    public void Manual_clears_start_on_and_keeps_stop_on()
    {
        var job = JobFileParser.ApplyOverride(Conf, "foo.override", "manual\n").Config!;
        Assert.Null(job.StartOn);
        Assert.NotNull(job.StopOn);
    }

    [Fact]
    public void A_broken_override_keeps_what_came_before_the_error()
    {
        var result = JobFileParser.ApplyOverride(Conf, "/etc/init/foo.override", "manual\nbleaugh!\nauthor \"moo\"\n");
        Assert.Null(result.Config!.StartOn);
        Assert.Null(result.Config.Author);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("/etc/init/foo.override:2:1: unknown-stanza: Unknown stanza", d.ToString());
    }

    [Fact]
    public void A_failed_stanza_changes_its_field_as_upstart_does()
    {
        // Upstart frees the old value before reading the new one, and stores numbers before checking them.
        Assert.Null(JobFileParser.ApplyOverride(Conf, "o", "description \"\"\n").Config!.Description);
        Assert.Null(JobFileParser.ApplyOverride(Conf, "o", "start on (\n").Config!.StartOn);
        Assert.Equal(25, JobFileParser.ApplyOverride(Conf, "o", "nice 25\n").Config!.Nice);
    }

    [Fact]
    public void The_parsed_conf_is_not_changed()
    {
        _ = JobFileParser.ApplyOverride(Conf, "o", "env C=3\nmanual\n");
        Assert.Equal(["A=1"], Conf.Env.ToArray());
        Assert.NotNull(Conf.StartOn);
    }

    [Fact]
    public void The_parser_records_the_settings_an_override_made_by_their_show_config_names()
    {
        var result = JobFileParser.ApplyOverride(Conf, "/etc/init/foo.override", "kill timeout 9\nrespawn\nrespawn limit 2 3\npre-start exec true\nstart on c\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["kill timeout", "respawn", "respawn limit", "pre-start", "start on"], result.Config!.OverrideSettings.ToArray());
        Assert.Empty(Conf.OverrideSettings);
    }

    [Fact]
    public void The_parser_records_the_settings_the_conf_made_each_once_and_keeps_them_under_an_override()
    {
        var conf = JobFileParser.Parse("foo", "/etc/init/foo.conf", "env A=1\nkill timeout 3\nenv B=2\nkill signal INT\n").Config!;
        Assert.Equal(["env", "kill timeout", "kill signal"], conf.ConfSettings.ToArray());

        var merged = JobFileParser.ApplyOverride(conf, "/etc/init/foo.override", "kill timeout 4\n").Config!;
        Assert.Equal(["env", "kill timeout", "kill signal"], merged.ConfSettings.ToArray());
        Assert.Equal(["kill timeout"], merged.OverrideSettings.ToArray());
    }

    [Fact]
    public void A_stanza_that_failed_in_the_override_is_not_recorded_as_set()
    {
        var result = JobFileParser.ApplyOverride(Conf, "/etc/init/foo.override", "author \"a\"\nnice 99\n");
        Assert.Equal(["author"], result.Config!.OverrideSettings.ToArray());
    }
}
