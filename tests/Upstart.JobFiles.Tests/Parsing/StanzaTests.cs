using Upstart.JobFiles.Model;
using Upstart.JobFiles.Parsing;

namespace Upstart.JobFiles.Tests.Parsing;

/// <summary>UPSTART.md §a, for the corners the corpus does not show.</summary>
public sealed class StanzaTests
{
    private static JobClassConfig Ok(string text)
    {
        var result = JobFileParser.Parse("j", "/etc/init/j.conf", text);
        Assert.True(result.Config is not null, string.Join("; ", result.Diagnostics));
        return result.Config;
    }

    private static string ErrorKind(string text) =>
        Assert.Single(JobFileParser.Parse("j", "/etc/init/j.conf", text).Diagnostics).Kind;

    [Fact]
    public void An_empty_file_is_a_job_with_every_default()
    {
        var job = Ok("");
        Assert.Empty(Conformance.ExpectRenderer.Render(job));
        Assert.False(job.HasMain);
        Assert.Empty(job.Env);
        Assert.Equal(0x12, job.Umask);
        Assert.Equal(RespawnLimit.Default, job.RespawnLimit);
    }

    [Theory]
    [InlineData("oom -10", -588)]
    [InlineData("oom 10", 666)]
    [InlineData("oom -17", -1000)]
    [InlineData("oom 15", 1000)]
    [InlineData("oom never", -1000)]
    [InlineData("oom score never", -1000)]
    [InlineData("oom score -1000", -1000)]
    [InlineData("oom score 1000", 1000)]
    public void Oom_forms_convert_to_a_score(string text, int score) => Assert.Equal(score, Ok(text).OomScore);

    [Theory]
    [InlineData("oom 16")]
    [InlineData("oom score 1001")]
    [InlineData("oom score x")]
    [InlineData("oom -18")]
    public void Oom_values_out_of_range_are_illegal(string text) => Assert.Equal("illegal-oom", ErrorKind(text));

    [Theory]
    [InlineData("umask 77", 0x3F)]
    [InlineData("umask 0777", 0x1FF)]
    [InlineData("umask 022", 0x12)]
    public void Umask_is_octal_without_a_leading_zero(string text, int mask) => Assert.Equal(mask, Ok(text).Umask);

    [Theory]
    [InlineData("umask 1000")]
    [InlineData("umask -1")]
    [InlineData("umask 8")]
    public void Umask_outside_0777_is_illegal(string text) => Assert.Equal("illegal-umask", ErrorKind(text));

    [Fact]
    public void Normal_exit_accumulates_statuses_and_signals()
    {
        var job = Ok("normal exit 0 1 TERM\nnormal exit SIGHUP 256\n");
        Assert.Equal(
            [ExitStatus.FromStatus(0), ExitStatus.FromStatus(1), ExitStatus.FromSignal(15), ExitStatus.FromSignal(1), ExitStatus.FromStatus(256)],
            job.NormalExit.ToArray());
        Assert.Equal(job.NormalExit[3].Encoded, job.NormalExit[4].Encoded);
    }

    [Theory]
    [InlineData("normal exit -1")]
    [InlineData("normal exit term")]
    [InlineData("normal exit 2147483648")]
    public void Normal_exit_rejects_negatives_lowercase_names_and_overflow(string text) =>
        Assert.Equal("illegal-exit", ErrorKind(text));

    [Theory]
    [InlineData("kill signal INT", 2)]
    [InlineData("kill signal SIGKILL", 9)]
    [InlineData("kill signal 99", 99)]
    [InlineData("kill signal 0", 0)]
    public void Kill_signal_takes_names_or_unchecked_numbers(string text, int signal) =>
        Assert.Equal(signal, Ok(text).KillSignal);

    [Fact]
    public void Reload_signal_is_read_like_kill_signal()
    {
        Assert.Equal(10, Ok("reload signal USR1").ReloadSignal);
        Assert.Equal("illegal-signal", ErrorKind("reload signal usr1"));
        Assert.Equal("unknown-stanza", ErrorKind("reload foo"));
    }

    [Fact]
    public void Respawn_limit_does_not_turn_on_respawn()
    {
        var job = Ok("respawn limit 3 30");
        Assert.False(job.Respawn);
        Assert.Equal(new RespawnLimit(3, 30), job.RespawnLimit);
        Assert.True(Ok("respawn limit unlimited").RespawnLimit.IsUnlimited);
    }

    [Fact]
    public void Respawn_limit_count_is_truncated_to_an_int_as_in_upstart()
    {
        // strtol succeeds, then the value lands in an int field: 2^32 becomes 0 (unlimited), 2^31 negative.
        Assert.Equal(0, Ok("respawn limit 4294967296 5").RespawnLimit.Count);
        Assert.Equal("illegal-limit", ErrorKind("respawn limit 2147483648 5"));
    }

    [Fact]
    public void Every_limit_resource_is_known()
    {
        foreach (var resource in Enum.GetValues<ResourceKind>())
        {
            var name = resource.ToString().ToLowerInvariant();
            var job = Ok($"limit {name} 1 unlimited");
            Assert.Equal(new ResourceLimit(1, ResourceLimit.Infinity), job.Limits[resource]);
        }
    }

    [Theory]
    [InlineData("limit nofile 10", "expected-token")]
    [InlineData("limit foo 1 2", "unknown-stanza")]
    [InlineData("limit core 1 2x", "illegal-limit")]
    [InlineData("limit core 99999999999999999999 1", "illegal-limit")]
    [InlineData("limit core 1 2 3", "unexpected-token")]
    public void Limit_errors(string text, string kind) => Assert.Equal(kind, ErrorKind(text));

    [Fact]
    public void Exec_and_script_replace_each_other()
    {
        Assert.Equal(new ProcessDefinition(false, "/bin/b", 4), Ok("script\n  a\nend script\nexec /bin/b\n").GetProcess(ProcessKind.Main));
        Assert.True(Ok("exec /bin/b\nscript\n  a\nend script\n").GetProcess(ProcessKind.Main)!.IsScript);
    }

    [Theory]
    [InlineData("pre-start exec a", ProcessKind.PreStart)]
    [InlineData("post-start exec a", ProcessKind.PostStart)]
    [InlineData("pre-stop exec a", ProcessKind.PreStop)]
    [InlineData("post-stop exec a", ProcessKind.PostStop)]
    [InlineData("pre-restart exec a", ProcessKind.PreRestart)]
    public void Each_process_stanza_fills_its_process(string text, ProcessKind kind) =>
        Assert.Equal("a", Ok(text).GetProcess(kind)!.Command);

    [Fact]
    public void Pre_restart_takes_a_script_block_like_pre_start()
    {
        var check = Ok("exec /usr/sbin/nginx\npre-restart script\n  nginx -t\nend script\n").GetProcess(ProcessKind.PreRestart);
        Assert.Equal(new ProcessDefinition(true, "nginx -t\n", 2), check);
    }

    [Theory]
    [InlineData("pre-restart", "expected-token")]
    [InlineData("pre-restart exec", "expected-token")]
    [InlineData("pre-restart run x", "unknown-stanza")]
    [InlineData("pre-restart script foo", "unexpected-token")]
    public void Pre_restart_errors_are_those_of_the_other_process_stanzas(string text, string kind) =>
        Assert.Equal(kind, ErrorKind(text));

    [Fact]
    public void Apparmor_load_is_also_the_security_process()
    {
        var job = Ok("apparmor load /etc/apparmor.d/x\napparmor switch prof\n");
        Assert.Equal("/etc/apparmor.d/x", job.AppArmorLoad);
        Assert.Equal("/sbin/apparmor_parser -r -W /etc/apparmor.d/x", job.GetProcess(ProcessKind.Security)!.Command);
        Assert.Equal("prof", job.AppArmorSwitch);
    }

    [Fact]
    public void Cgroup_argument_count_decides_the_meaning()
    {
        var job = Ok("cgroup cpu\ncgroup memory mine\ncgroup cpu shares 512\ncgroup memory mine limit 1G\ncgroup cpu shares 1024\n");
        Assert.Equal(
            [
                new CgroupSetting("cpu", "$UPSTART_CGROUP", "shares", "1024"),
                new CgroupSetting("memory", "mine", "limit", "1G"),
            ],
            job.Cgroups.ToArray());
        Assert.Equal("unexpected-token", ErrorKind("cgroup a b c d e"));
    }

    [Fact]
    public void Debug_manual_task_and_console_log_are_read()
    {
        var job = Ok("debug\ntask\nconsole log\nstart on a\nmanual\n");
        Assert.True(job.Debug);
        Assert.True(job.Task);
        Assert.Equal(ConsoleMode.Log, job.Console);
        Assert.Null(job.StartOn);
        Assert.Equal("unknown-stanza", ErrorKind("debug now"));
    }

    [Fact]
    public void Env_keeps_duplicates_and_bare_names_in_order()
    {
        Assert.Equal(["A=1", "B", "A=2", "C=$HOME x"], Ok("env A=1\nenv B\nenv A=2\nenv C=\"$HOME x\"\n").Env.ToArray());
    }

    [Fact]
    public void Every_stanza_of_init5_is_in_the_table()
    {
        Assert.Equal(
            ["instance", "description", "author", "version", "usage", "env", "export", "start", "stop", "manual",
             "emits", "exec", "script", "pre-start", "post-start", "pre-stop", "post-stop", "expect", "task",
             "kill", "reload", "respawn", "normal", "console", "umask", "nice", "oom", "limit", "chroot", "chdir",
             "setuid", "setgid", "apparmor", "cgroup", "debug", "pre-restart"],
            JobFileParser.StanzaKeywords);
    }

    [Fact]
    public void Debug_takes_no_argument_so_what_follows_on_the_line_is_the_next_stanza()
    {
        var job = Ok("debug task\n");
        Assert.True(job.Debug);
        Assert.True(job.Task);
    }

    [Fact]
    public void Debug_followed_by_a_word_that_is_no_stanza_is_an_unknown_stanza_at_that_word()
    {
        var d = Assert.Single(JobFileParser.Parse("j", "/etc/init/j.conf", "task\ndebug x\n").Diagnostics);
        Assert.Equal((2, 7, 11, "unknown-stanza", "Unknown stanza"), (d.Line, d.Column, d.Offset, d.Kind, d.Message));
    }

    [Theory]
    [InlineData("kill timeout 3000000000", 3_000_000_000L)]
    [InlineData("kill timeout 9223372036854775807", long.MaxValue)]
    public void Kill_timeout_is_a_64_bit_number_of_seconds(string text, long seconds) =>
        Assert.Equal(seconds, Ok(text).KillTimeout);

    [Fact]
    public void The_respawn_limit_interval_is_a_64_bit_number_of_seconds() =>
        Assert.Equal(new RespawnLimit(3, 3_000_000_000L), Ok("respawn limit 3 3000000000").RespawnLimit);

    [Theory]
    [InlineData("kill timeout 99999999999999999999", long.MaxValue)]
    [InlineData("kill timeout -3000000000", -3_000_000_000L)]
    public void A_failed_kill_timeout_override_leaves_the_64_bit_value_strtol_gave(string text, long kept)
    {
        var conf = Ok("kill timeout 7\n");
        var result = JobFileParser.ApplyOverride(conf, "/etc/init/j.override", text + "\n");
        Assert.Equal("illegal-interval", Assert.Single(result.Diagnostics).Kind);
        Assert.Equal(kept, result.Config!.KillTimeout);
    }

    [Theory]
    [InlineData("respawn limit 2 99999999999999999999", long.MaxValue)]
    [InlineData("respawn limit 2 -3000000000", -3_000_000_000L)]
    public void A_failed_respawn_limit_override_leaves_the_64_bit_interval_strtol_gave(string text, long kept)
    {
        var conf = Ok("respawn limit 5 10\n");
        var result = JobFileParser.ApplyOverride(conf, "/etc/init/j.override", text + "\n");
        Assert.Equal("illegal-interval", Assert.Single(result.Diagnostics).Kind);
        Assert.Equal(new RespawnLimit(2, kept), result.Config!.RespawnLimit);
    }

    [Fact]
    public void An_unknown_stanza_name_continued_over_a_backslash_newline_is_reported_where_the_name_ends()
    {
        var d = Assert.Single(JobFileParser.Parse("j", "/etc/init/j.conf", "task\nfrob\\\nnicate\n").Diagnostics);
        Assert.Equal((3, 1, 5, "unknown-stanza"), (d.Line, d.Column, d.Offset, d.Kind));
    }

    [Fact]
    public void Lines_continued_after_an_unknown_name_count_too_as_upstart_counts_them()
    {
        // nih_config_next_token skips the blanks and backslash-newlines after the name before the lookup.
        var d = Assert.Single(JobFileParser.Parse("j", "/etc/init/j.conf", "frob \\\n x\n").Diagnostics);
        Assert.Equal((2, "unknown-stanza"), (d.Line, d.Kind));
    }
}
