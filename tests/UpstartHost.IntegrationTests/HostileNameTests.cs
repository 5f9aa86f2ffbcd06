namespace UpstartHost.IntegrationTests;

/// <summary>
/// Names end up in `list` lines, log file names and terminals: a control character in a job, instance
/// or event name is refused with an error that names it (issue: an instance name with a newline forged
/// `fake start/running, process 1` in `upstartctl list`).
/// </summary>
[Collection(RealDaemonTests.Name)]
public class HostileNameTests
{
    [Fact]
    public async Task An_instance_name_with_a_newline_is_refused_and_forges_no_list_line()
    {
        await using var d = await DaemonFixture.StartNewAsync(("worker", "instance $NAME\nexec /bin/sleep 1000\n"));

        var start = await d.RunCtlAsync(["start", "worker", "NAME=x\nfake start/running, process 1"]);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("instance name contains the control character U+000A at position 2", start.Stderr, StringComparison.Ordinal);
        var list = await d.RunCtlAsync(["list"]);
        Assert.DoesNotContain("fake", list.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(d.LogDir));
    }

    [Fact]
    public async Task An_event_whose_variables_make_a_bad_instance_name_starts_nothing()
    {
        await using var d = await DaemonFixture.StartNewAsync(("worker", "start on go\ninstance $NAME\nexec /bin/sleep 1000\n"));

        var emit = await d.RunCtlAsync(["emit", "go", "NAME=\u001b]0;owned\u0007"]);
        var good = await d.RunCtlAsync(["emit", "go", "NAME=fine"]);

        Assert.Equal((0, 0), (emit.ExitCode, good.ExitCode));
        Assert.Equal(["fine"], (await d.Client.StatusAsync("worker")).Select(j => j.Instance));
        Assert.Contains("U+001B", d.DaemonOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Event_and_job_names_with_control_characters_and_NUL_values_get_errors_that_name_them()
    {
        await using var d = await DaemonFixture.StartNewAsync(("web", "exec /bin/sleep 1000\n"));

        var emit = await d.RunCtlAsync(["emit", "ev\rfake"]);
        Assert.Equal(1, emit.ExitCode);
        Assert.Contains("event name contains the control character U+000D at position 3", emit.Stderr, StringComparison.Ordinal);

        var status = await d.RunCtlAsync(["status", "web\u001b[2J"]);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("job name contains the control character U+001B at position 4", status.Stderr, StringComparison.Ordinal);

        var nul = await Assert.ThrowsAsync<UpstartPS.Protocol.UpstartException>(() => d.Client.StartAsync("web", ["TOKEN=a\0b"]));
        Assert.Equal("Env TOKEN contains a NUL character (U+0000), which cannot be passed to a process", nul.Message);
    }

    [Fact]
    public async Task An_instance_name_too_long_for_its_log_file_is_refused_naming_the_problem()
    {
        await using var d = await DaemonFixture.StartNewAsync(("worker", "instance $NAME\nconsole log\nexec /bin/echo hello\n"));

        var start = await d.RunCtlAsync(["start", "worker", "NAME=" + new string('x', 100_000)]);
        var fits = await d.RunCtlAsync(["start", "worker", "NAME=" + new string('y', 200)]);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("instance name is too long: job worker's log file for it would be named with 100017 bytes, over the 255 a file name may have", start.Stderr, StringComparison.Ordinal);
        Assert.True(fits.ExitCode == 0, fits.Stderr);
        Assert.DoesNotContain("xxxx", (await d.RunCtlAsync(["list"])).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instance_names_with_bidirectional_overrides_or_zero_width_spaces_are_refused_by_request_and_by_event()
    {
        await using var d = await DaemonFixture.StartNewAsync(("worker", "start on go\ninstance $NAME\nexec /bin/sleep 1000\n"));

        var start = await d.RunCtlAsync(["start", "worker", "NAME=web\u202Enimda"]);
        var emit = await d.RunCtlAsync(["emit", "go", "NAME=ad\u200Bmin"]);
        var status = await d.RunCtlAsync(["status", "worker", "NAME=x\u200By"]);

        Assert.Equal(1, start.ExitCode);
        Assert.Contains("instance name contains the invisible or text-reordering character U+202E at position 4", start.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, emit.ExitCode);
        Assert.Contains("U+200B", d.DaemonOutput, StringComparison.Ordinal);
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("U+200B", status.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(await d.Client.StatusAsync("worker"), j => j.Instance.Length > 0);
    }
}
