using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Diagnostics;

namespace Upstart.JobFiles.Tests.Checking;

/// <summary>
/// `check --upstart-compatible`: one warning, kind beyond-upstart, at each stanza Upstart 1.13 would
/// reject; opt-in, and the check still passes.
/// </summary>
public sealed class UpstartCompatibilityTests
{
    private static readonly CheckOptions Compatible = new() { UpstartCompatible = true, AnalyzeConditions = false };

    private static string Warning(string setting) =>
        $"beyond-upstart: {setting} is not understood by Upstart 1.13 (it rejects the file: Unknown stanza)";

    private static (int Code, string[] Lines) Run(IReadOnlyList<string> paths, CheckOptions options)
    {
        using var output = new StringWriter();
        var code = JobFileChecker.Run(paths, output, options);
        return (code, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Respawn_delay_and_pre_restart_are_each_warned_about_where_they_stand_and_the_check_passes()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("web.conf", "respawn\n  respawn delay 1 30 # back off\nexec /bin/web\npre-restart exec /bin/web -t\n");

        var (code, lines) = Run([path], Compatible);

        Assert.Equal(0, code);
        Assert.Equal([$"{path}:2:3: {Warning("respawn delay")}", $"{path}:4:1: {Warning("pre-restart")}", $"File {path}: syntax ok"], lines);
    }

    [Fact]
    public void Without_the_option_the_stanzas_are_simply_accepted()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("web.conf", "respawn\nrespawn delay 1 30\nexec /bin/web\npre-restart exec /bin/web -t\n");

        var (code, lines) = Run([path], new CheckOptions { AnalyzeConditions = false });

        Assert.Equal(0, code);
        Assert.Equal([$"File {path}: syntax ok"], lines);
        Assert.Empty(JobFileChecker.Check(path));
    }

    [Fact]
    public void A_directory_names_the_override_that_uses_the_stanza_and_ignores_script_text()
    {
        using var dir = new TempDirectory();
        var conf = dir.Write("web.conf", "respawn\nscript\n  respawn delay 9\nend script\n");
        var over = dir.Write("web.override", "\nrespawn delay 2\n");

        var (code, lines) = Run([dir.Path], Compatible);

        Assert.Equal(0, code);
        Assert.Equal([$"{over}:2:1: {Warning("respawn delay")}", $"File {conf}: syntax ok"], lines);
    }

    [Fact]
    public void A_single_conf_is_checked_with_the_override_beside_it()
    {
        using var dir = new TempDirectory();
        var conf = dir.Write("web.conf", "exec sleep 60\n");
        var over = dir.Write("web.override", "pre-restart exec true\n");

        var (_, lines) = Run([conf], Compatible);

        Assert.Equal([$"{over}:1:1: {Warning("pre-restart")}", $"File {conf}: syntax ok"], lines);
    }

    [Fact]
    public void A_condition_on_an_event_only_this_daemon_emits_is_warned_about_once_per_event_at_the_file_that_set_it()
    {
        using var dir = new TempDirectory();
        var alert = dir.Write("alert.conf", "start on process-exited EXPECTED=no or (respawning and process-exited PROCESS=main)\ntask\nexec true\n");
        var web = dir.Write("web.conf", "start on startup\nexec sleep 60\n");
        var over = dir.Write("web.override", "stop on respawn-limit-reached JOB=db\n");

        var (code, lines) = Run([dir.Path], Compatible);

        Assert.Equal(0, code);
        Assert.Equal(
            [
                $"{alert}:0:0: beyond-upstart: {UpstartCompatibility.MessageForEvent("start on", "process-exited")}",
                $"{alert}:0:0: beyond-upstart: {UpstartCompatibility.MessageForEvent("start on", "respawning")}",
                $"File {alert}: syntax ok",
                $"{over}:0:0: beyond-upstart: {UpstartCompatibility.MessageForEvent("stop on", "respawn-limit-reached")}",
                $"File {web}: syntax ok",
            ],
            lines);
        Assert.Equal(
            "stop on: respawn-limit-reached is emitted by UpstartPS only (Upstart 1.13 never emits it: the condition would wait there for ever)",
            UpstartCompatibility.MessageForEvent("stop on", "respawn-limit-reached"));
    }

    [Fact]
    public void Without_the_option_a_condition_on_those_events_is_simply_accepted()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("alert.conf", "start on process-exited EXPECTED=no\ntask\nexec true\n");

        Assert.Empty(JobFileChecker.Check(path));
    }

    [Fact]
    public void Check_as_data_gives_the_same_warnings()
    {
        using var dir = new TempDirectory();
        dir.Write("web.conf", "exec sleep 60\n");
        var over = dir.Write("web.override", "pre-restart exec true\n");

        var d = Assert.Single(JobFileChecker.Check(dir.Path, new CheckOptions { UpstartCompatible = true }));

        Assert.Equal((over, 1, 1, UpstartCompatibility.Kind, DiagnosticSeverity.Warning), (d.Path, d.Line, d.Column, d.Kind, d.Severity));
    }
}
