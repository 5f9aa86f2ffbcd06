using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Diagnostics;
using UpstartPS.Offline;

namespace UpstartPS.Tests.Logic;

public sealed class JobFileCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("upstartps-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_good_file_has_no_diagnostics() =>
        Assert.Empty(JobFileCheck.Check(Write("good.conf", "description \"fine\"\nexec sleep 60\n")));

    [Fact]
    public void A_bad_file_reports_where_and_what()
    {
        var path = Write("bad.conf", "exec sleep 60\nno-such-stanza here\n");
        var diagnostic = Assert.Single(JobFileCheck.Check(path));
        Assert.Equal(path, diagnostic.Path);
        Assert.Equal(2, diagnostic.Line);
        Assert.Equal("unknown-stanza", diagnostic.Kind);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    [Fact]
    public void The_override_beside_a_conf_is_checked_with_it()
    {
        var conf = Write("web.conf", "exec sleep 60\n");
        var overridePath = Write("web.override", "bogus-stanza\n");
        Assert.Equal(overridePath, Assert.Single(JobFileCheck.Check(conf)).Path);
        Assert.Equal(overridePath, Assert.Single(JobFileCheck.Check(overridePath)).Path);
    }

    [Fact]
    public void A_directory_reports_bad_files_and_unreachable_conditions_as_warnings()
    {
        Write("bad.conf", "no-such-stanza\n");
        var waiter = Write("waiter.conf", "start on peach\nexec sleep 60\n");
        Write("booter.conf", "start on startup\nexec sleep 60\n");
        var diagnostics = JobFileCheck.Check(_dir);
        Assert.Contains(diagnostics, d => d.Kind == "unknown-stanza" && d.Severity == DiagnosticSeverity.Error);
        var unreachable = Assert.Single(diagnostics, d => d.Kind == JobFileCheck.UnknownEventKind);
        Assert.Equal(waiter, unreachable.Path);
        Assert.Equal(DiagnosticSeverity.Warning, unreachable.Severity);
        Assert.Contains("peach", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ignored_events_are_not_reported()
    {
        Write("waiter.conf", "start on peach\nexec sleep 60\n");
        Assert.DoesNotContain(JobFileCheck.Check(_dir, new CheckOptions { IgnoredEvents = ["peach"] }), d => d.Kind == JobFileCheck.UnknownEventKind);
    }

    [Fact]
    public void Stanzas_Upstart_rejects_are_warned_about_only_when_asked()
    {
        var path = Write("web.conf", "exec sleep 60\nrespawn delay 5\n");
        Assert.Empty(JobFileCheck.Check(path));
        var warning = Assert.Single(JobFileCheck.Check(path, new CheckOptions { UpstartCompatible = true }));
        Assert.Equal((path, 2, UpstartCompatibility.Kind, DiagnosticSeverity.Warning), (warning.Path, warning.Line, warning.Kind, warning.Severity));
    }

    [Fact]
    public void A_file_larger_than_the_daemon_reads_is_refused_as_the_loader_refuses_it()
    {
        var path = Write("huge.conf", "# " + new string('x', (1 << 20) + 1) + "\n");
        Assert.Equal("file-too-large", Assert.Single(JobFileCheck.Check(path)).Kind);
    }

    [Fact]
    public void A_missing_file_is_an_io_error_for_the_cmdlet_to_report() =>
        Assert.Throws<FileNotFoundException>(() => JobFileCheck.Check(Path.Combine(_dir, "missing.conf")));

    [Fact]
    public void The_job_name_is_the_file_name_less_conf() =>
        Assert.Equal("web", JobFileCheck.JobName("/etc/init/web.conf"));
}
