using System.Collections.Immutable;
using Upstart.JobFiles.Checking;
using Upstart.JobFiles.Loading;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Checking;

public sealed class ConditionAnalyzerTests
{
    private static List<string> Problems(params (string Name, string Text)[] jobs) => Problems(false, jobs);

    /// <param name="warnAll">initctl's `check-config -w`: every operand judged, as if each `or` were an `and`.</param>
    private static List<string> Problems(bool warnAll, params (string Name, string Text)[] jobs)
    {
        return ConditionAnalyzer.Analyze(Catalog(jobs), warnAll: warnAll).Select(p => $"{p.Job}:{p}").ToList();
    }

    private static JobCatalog Catalog((string Name, string Text)[] jobs)
    {
        var map = jobs.ToDictionary(j => j.Name, j => JobFileParser.Parse(j.Name, j.Name + ".conf", j.Text).Config!);
        return new JobCatalog(map.ToImmutableDictionary(StringComparer.Ordinal), []);
    }

    [Fact]
    public void Well_known_and_emitted_events_are_reachable()
    {
        Assert.Empty(Problems(
            warnAll: true,
            ("a", "start on startup or runlevel [2345] or local-filesystems or block-device-added or :sys:restarted\nstop on b-done or net/failed\n"),
            ("b", "emits b-*\n")));
    }

    [Fact]
    public void Without_an_upstart_host_only_init_s_own_events_and_what_is_emitted_are_reachable()
    {
        // The running daemon's check-config: nothing emits mountall's, udev's or telinit's events here unless a job
        // declares them, the daemon emits them itself (passed as ignored) or -i says so.
        static List<string> Here(IEnumerable<string> emittedByDaemon, params (string Name, string Text)[] jobs) =>
            [.. ConditionAnalyzer.Analyze(Catalog(jobs), emittedByDaemon, warnAll: true, systemComponentsEmit: false).Select(p => $"{p.Job}:{p}")];

        const string Detect = "start on mounted MOUNTPOINT=/run\nstop on runlevel [!2345]\n";
        Assert.Equal(
            ["detect:  start on: unknown event mounted", "detect:  stop on: unknown event runlevel"],
            Here([], ("detect", Detect)));
        Assert.Empty(Here(["mounted", "runlevel"], ("detect", Detect)));
        Assert.Empty(Here([], ("detect", Detect), ("mountall", "emits mounted\nemits runlevel\n")));
        Assert.Empty(Here(
            [],
            ("a", "start on startup or debug or control-alt-delete or keyboard-request or power-status-changed or session-end\nstop on net/failed or process-exited or stopped b\n"),
            ("b", "")));
    }

    [Fact]
    public void Job_events_name_jobs_by_position_or_JOB()
    {
        Assert.Equal(
            ["a:  start on: unknown job ghost", "a:  stop on: unknown job phantom"],
            Problems(warnAll: true, ("a", "start on started ghost or stopping b\nstop on stopped JOB=phantom\n"), ("b", "")));
    }

    [Fact]
    public void Globs_and_variables_in_job_events_are_not_judged()
    {
        Assert.Empty(Problems(warnAll: true, ("a", "start on started web* or stopped $OTHER or starting\n")));
    }

    [Fact]
    public void An_or_with_one_reachable_side_is_satisfiable_and_only_warn_reports_the_other_side()
    {
        (string, string)[] jobs = [("a", "start on started ghost or stopping b\n"), ("b", "")];

        Assert.Empty(Problems(jobs));
        Assert.Equal(["a:  start on: unknown job ghost"], Problems(warnAll: true, jobs));
    }

    [Fact]
    public void An_or_whose_sides_are_both_unreachable_reports_both()
    {
        Assert.Equal(["a:  start on: unknown event peach", "a:  start on: unknown event plum"], Problems(("a", "start on peach or plum\n")));
    }

    [Fact]
    public void An_unsatisfiable_and_under_a_satisfiable_or_is_reported_as_initctl_does()
    {
        // initctl.c: the condition and then its operators in pre-order; the first that cannot be satisfied has its
        // unreachable operands reported. `(peach and startup) or startup` is satisfiable, its `and` is not.
        Assert.Equal(["a:  start on: unknown event peach"], Problems(("a", "start on (peach and startup) or startup\n")));
        Assert.Empty(Problems(("a", "start on peach or startup\n")));
    }

    [Fact]
    public void Each_problem_is_reported_once_per_stanza()
    {
        Assert.Equal(["a:  start on: unknown event x"], Problems(("a", "start on x or (x and startup)\n")));
    }

    [Fact]
    public void Ignored_events_count_as_emitted()
    {
        var catalog = new JobCatalog(
            new Dictionary<string, Model.JobClassConfig> { ["a"] = JobFileParser.Parse("a", "a.conf", "start on x\n").Config! }
                .ToImmutableDictionary(StringComparer.Ordinal),
            []);
        Assert.Empty(ConditionAnalyzer.Analyze(catalog, ["x"]));
    }
}
