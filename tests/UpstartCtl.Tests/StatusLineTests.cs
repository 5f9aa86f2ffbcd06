using UpstartCtl.Formatting;
using UpstartPS.Protocol.Messages;

namespace UpstartCtl.Tests;

public class StatusLineTests
{
    private static JobInfo Job(string name, string instance, string goal, string state, params (string Kind, int Pid)[] processes) => new()
    {
        Name = name,
        Instance = instance,
        Goal = goal,
        State = state,
        HasInstance = true,
        Processes = [.. processes.Select(p => new ProcessInfo(p.Kind, p.Pid))],
    };

    [Fact]
    public void A_disabled_job_with_no_instance_keeps_initctls_words_and_adds_disabled_at_the_end() =>
        Assert.Equal("cups stop/waiting, disabled", StatusLine.Format(new JobInfo { Name = "cups", Disabled = true }));

    [Fact]
    public void A_disabled_job_still_running_says_so_after_its_process_and_before_further_process_lines() =>
        Assert.Equal("tty (tty1) start/post-start, process 1234, disabled\n\tpost-start process 1357",
            StatusLine.Format(Job("tty", "tty1", "start", "post-start", ("post-start", 1357), ("main", 1234)) with { Disabled = true }));

    [Fact]
    public void An_enabled_job_has_no_mark() =>
        Assert.Equal("cups stop/waiting", StatusLine.Format(new JobInfo { Name = "cups" }));

    [Fact]
    public void A_running_service_shows_its_main_process() =>
        Assert.Equal("ssh start/running, process 1141", StatusLine.Format(Job("ssh", "", "start", "running", ("main", 1141))));

    [Fact]
    public void An_instance_with_a_post_start_process_gets_a_second_line() =>
        Assert.Equal("tty (tty1) start/post-start, process 1234\n\tpost-start process 1357",
            StatusLine.Format(Job("tty", "tty1", "start", "post-start", ("post-start", 1357), ("main", 1234))));

    [Fact]
    public void Without_a_main_process_the_first_other_one_is_named_in_brackets() =>
        Assert.Equal("test start/post-start, (post-start) process 2137", StatusLine.Format(Job("test", "", "start", "post-start", ("post-start", 2137))));

    [Fact]
    public void Pre_stop_follows_main() =>
        Assert.Equal("drogo (foo) stop/pre-stop, process 6312\n\tpre-stop process 8609",
            StatusLine.Format(Job("drogo", "foo", "stop", "pre-stop", ("main", 6312), ("pre-stop", 8609))));

    [Fact]
    public void Pre_start_is_shown_like_main() =>
        Assert.Equal("job start/pre-start, process 902", StatusLine.Format(Job("job", "", "start", "pre-start", ("pre-start", 902))));

    [Fact]
    public void A_class_with_no_instance_is_stop_waiting() =>
        Assert.Equal("bar stop/waiting", StatusLine.Format(new JobInfo { Name = "bar" }));

    [Fact]
    public void An_instance_with_no_live_process_has_no_suffix() =>
        Assert.Equal("bar start/starting", StatusLine.Format(Job("bar", "", "start", "starting")));

    [Fact]
    public void A_respawn_waiting_for_its_back_off_says_when_it_is_due_on_a_line_of_its_own() =>
        Assert.Equal("web start/post-stop\n\trespawn due 2026-12-03T19:10:02.500Z",
            StatusLine.Format(Job("web", "", "start", "post-stop") with
            {
                NextRespawn = new DateTimeOffset(2026, 12, 3, 20, 10, 2, 500, TimeSpan.FromHours(1)),
            }));

    [Fact]
    public void Processes_that_are_not_alive_are_left_out() =>
        Assert.Equal("web start/post-start, (post-start) process 77",
            StatusLine.Format(Job("web", "", "start", "post-start", ("main", 0), ("post-start", 77))));

    [Fact]
    public void Kinds_initctl_does_not_know_come_last_in_the_daemons_order() =>
        Assert.Equal("web start/running, process 8\n\tsecurity process 7\n\tzeta process 5\n\talpha process 6",
            StatusLine.Format(Job("web", "", "start", "running", ("zeta", 5), ("alpha", 6), ("security", 7), ("main", 8))));

    [Fact]
    public void Append_adds_to_what_the_builder_holds_and_list_can_reuse_one_builder_for_every_job()
    {
        JobInfo[] jobs =
        [
            new JobInfo { Name = "cups", Disabled = true },
            Job("tty", "tty1", "start", "post-start", ("post-start", 1357), ("main", 1234)) with { Disabled = true },
            Job("web", "", "start", "running", ("zeta", 5), ("main", 8)),
            Job("bar", "", "start", "starting"),
        ];
        var line = new System.Text.StringBuilder("before: ");
        StatusLine.Append(line, jobs[0]);
        Assert.Equal("before: cups stop/waiting, disabled", line.ToString());

        foreach (var job in jobs)
        {
            line.Clear();
            StatusLine.Append(line, job);
            Assert.Equal(StatusLine.Format(job), line.ToString());
        }
    }
}
