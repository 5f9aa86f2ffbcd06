namespace UpstartHost.IntegrationTests;

/// <summary>inotify reload, reload-configuration (and its dry run), check-config, show-config, diagnostics.</summary>
[Collection(RealDaemonTests.Name)]
public class ConfigurationTests
{
    private static async Task<bool> Known(DaemonFixture d, string job) =>
        (await d.Client.ListAsync()).Any(j => j.Name == job);

    [Fact]
    public async Task Added_changed_and_removed_files_are_picked_up_without_a_request()
    {
        await using var d = await DaemonFixture.StartNewAsync(("a", "exec /bin/sleep 1000\n"));
        d.WriteJob("b", "description \"bee\"\nexec /bin/sleep 1000\n");
        d.WriteJob("sub/c", "exec /bin/sleep 1000\n");
        await DaemonFixture.WaitUntilAsync(async () => await Known(d, "b") && await Known(d, "sub/c"), "new jobs to be loaded");

        d.WriteJob("b", "description \"bumble\"\nexec /bin/sleep 1000\n");
        await DaemonFixture.WaitUntilAsync(async () => (await d.Client.ShowConfigAsync("b")).Description == "bumble", "the change");

        d.DeleteJob("a");
        await DaemonFixture.WaitUntilAsync(async () => !await Known(d, "a"), "the removal");
    }

    [Fact]
    public async Task A_changed_job_keeps_its_running_definition_until_it_stops()
    {
        await using var d = await DaemonFixture.StartNewAsync(("svc", "env WHO=old\nexec /bin/sh -c 'echo $WHO; exec sleep 1000'\n"));
        await d.Client.StartAsync("svc");
        d.WriteJob("svc", "env WHO=new\nexec /bin/sh -c 'echo $WHO; exec sleep 1000'\n");
        await DaemonFixture.WaitUntilAsync(async () => (await d.Client.ShowConfigAsync("svc")).Env.Contains("WHO=new"), "the new file");
        Assert.Equal("running", (await d.Client.StatusAsync("svc")).Single().State);

        await d.Client.StopAsync("svc");
        await d.Client.StartAsync("svc");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("svc").Contains("new", StringComparison.Ordinal)), "the new definition to run");
        Assert.Equal("old\nnew\n", d.ReadLog("svc").Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_configuration_dry_run_shows_the_difference_and_changes_nothing()
    {
        // A long debounce keeps the watcher out of the way, so the explicit request is what is tested.
        var d = DaemonFixture.Create();
        await using (d)
        {
            await File.WriteAllTextAsync(d.SettingsPath, """{ "reloadDebounceMilliseconds": 60000 }""");
            d.WriteJob("keep", "exec /bin/sleep 1000\n");
            d.WriteJob("gone", "exec /bin/sleep 1000\n");
            d.WriteJob("edit", "exec /bin/sleep 1000\n");
            await d.StartAsync();
            d.WriteJob("new", "exec /bin/sleep 1000\n");
            d.WriteJob("edit", "exec /bin/sleep 999\n");
            d.DeleteJob("gone");

            var dry = await d.RunCtlAsync(["reload-configuration", "--dry-run"]);
            Assert.Equal((0, "+ new\n~ edit\n- gone\n"), (dry.ExitCode, dry.Stdout));
            Assert.True(await Known(d, "gone"));

            var real = await d.RunCtlAsync(["reload-configuration"]);
            Assert.Equal((0, ""), (real.ExitCode, real.Stdout));
            Assert.False(await Known(d, "gone"));
            Assert.True(await Known(d, "new"));
        }
    }

    [Fact]
    public async Task A_bad_file_is_reported_and_the_good_ones_still_run()
    {
        await using var d = await DaemonFixture.StartNewAsync(("good", "exec /bin/sleep 1000\n"), ("bad", "exec /bin/true\nfrobnicate yes\n"));
        Assert.True(await Known(d, "good"));
        Assert.False(await Known(d, "bad"));
        var diagnostics = await d.Client.GetDiagnosticsAsync();
        var diagnostic = Assert.Single(diagnostics);
        Assert.EndsWith("bad.conf", diagnostic.Path, StringComparison.Ordinal);
        Assert.Equal(2, diagnostic.Line);
        var cli = await d.RunCtlAsync(["diagnostics"]);
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("bad.conf:2:", cli.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_config_reports_unreachable_conditions_and_exits_1()
    {
        await using var d = await DaemonFixture.StartNewAsync(
            ("apple", "start on started grape\nstop on peach\nexec /bin/sleep 1000\n"),
            ("pear", "start on started apple or my-event\nemits my-event\nexec /bin/sleep 1000\n"));
        var r = await d.RunCtlAsync(["check-config"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("apple\n  start on: unknown job grape\n  stop on: unknown event peach\n", r.Stdout);
        var ignored = await d.RunCtlAsync(["check-config", "-i", "peach", "pear"]);
        Assert.Equal((0, ""), (ignored.ExitCode, ignored.Stdout));
    }

    [Fact]
    public async Task Check_config_reports_a_job_waiting_for_an_event_only_an_upstart_host_s_mountall_emitted()
    {
        // A stock 14.04 container-detect, copied over without mountall: nothing here emits `mounted`, so it (and the
        // ttys waiting on it) would never start. The daemon's own boot and shutdown events are reachable.
        await using var d = await DaemonFixture.StartNewAsync(
            ("container-detect", "start on mounted MOUNTPOINT=/run\ntask\nexec /bin/true\n"),
            ("rc", "start on runlevel [0123456]\nstop on runlevel [!$RUNLEVEL]\ntask\nexec /bin/true\n"),
            ("mounted-tmp", "start on filesystem or local-filesystems\ntask\nexec /bin/true\n"));
        var r = await d.RunCtlAsync(["check-config"]);
        Assert.Equal((1, "container-detect\n  start on: unknown event mounted\n"), (r.ExitCode, r.Stdout));
        var told = await d.RunCtlAsync(["check-config", "-i", "mounted"]);
        Assert.Equal((0, ""), (told.ExitCode, told.Stdout));
    }

    [Fact]
    public async Task Check_config_passes_an_or_with_a_reachable_side_and_w_reports_the_other_side()
    {
        await using var d = await DaemonFixture.StartNewAsync(("plum", "stop on stopped ghost or runlevel [016]\nexec /bin/sleep 1000\n"));
        var plain = await d.RunCtlAsync(["check-config"]);
        Assert.Equal((0, ""), (plain.ExitCode, plain.Stdout));
        var warn = await d.RunCtlAsync(["check-config", "-w"]);
        Assert.Equal((1, "plum\n  stop on: unknown job ghost\n"), (warn.ExitCode, warn.Stdout));
    }

    [Fact]
    public async Task Check_config_of_a_job_that_does_not_exist_is_initctls_invalid_job_class_and_exits_1()
    {
        await using var d = await DaemonFixture.StartNewAsync(("apple", "start on peach\nexec /bin/sleep 1000\n"));
        var r = await d.RunCtlAsync(["check-config", "nosuch"], invokedAs: "initctl");
        Assert.Equal((1, "", "initctl: Invalid job class: nosuch\n"), (r.ExitCode, r.Stdout, r.Stderr));
        var known = await d.RunCtlAsync(["check-config", "-i", "peach", "apple"]);
        Assert.Equal((0, ""), (known.ExitCode, known.Stdout));
    }

    [Fact]
    public async Task Show_config_of_a_disabled_job_has_no_start_on_so_invoke_rc_d_leaves_it_down()
    {
        // invoke-rc.d's upstart branch: `initctl show-config -e JOB | grep -q '^  start on' || DISABLED=1`, then a
        // start of a disabled job exits 0 instead of failing with `Job is disabled` (and the package's postinst).
        await using var d = await DaemonFixture.StartNewAsync(("web", "start on runlevel [2345]\nstop on runlevel [!2345]\nexec /bin/sleep 1000\n"));
        Assert.Equal(0, (await d.RunCtlAsync(["disable", "web"])).ExitCode);

        var disabled = await d.RunCtlAsync(["show-config", "-e", "web"], invokedAs: "initctl");
        Assert.Equal((0, "web\n  stop on runlevel (job:, env: [!2345])\n"), (disabled.ExitCode, disabled.Stdout));
        Assert.True((await d.Client.ShowConfigAsync("web")).Disabled);

        Assert.Equal(0, (await d.RunCtlAsync(["enable", "web"])).ExitCode);
        var enabled = await d.RunCtlAsync(["show-config", "web"], invokedAs: "initctl");
        Assert.Equal("web\n  start on runlevel [2345]\n  stop on runlevel [!2345]\n", enabled.Stdout);
    }

    [Fact]
    public async Task Show_config_e_lists_each_operand_on_its_own_line()
    {
        await using var d = await DaemonFixture.StartNewAsync(("j", "start on starting web and (b or c var=2)\nstop on runlevel [!2345]\nexec /bin/sleep 1000\n"));
        var r = await d.RunCtlAsync(["show-config", "-e", "j"]);
        Assert.Equal(
            "j\n  start on starting (job: web, env:)\n  start on b (job:, env:)\n  start on c (job:, env: var=2)\n  stop on runlevel (job:, env: [!2345])\n",
            r.Stdout);
    }

    [Fact]
    public async Task Show_config_prints_emits_and_conditions_in_initctls_form()
    {
        await using var d = await DaemonFixture.StartNewAsync(("j", "emits ev1\nstart on a and (b or c var=2)\nstop on runlevel [!2345]\nexec /bin/sleep 1000\n"));
        var r = await d.RunCtlAsync(["show-config", "j"]);
        Assert.Equal("j\n  emits ev1\n  start on (a and (b or c var=2))\n  stop on runlevel [!2345]\n", r.Stdout);
        var config = await d.Client.ShowConfigAsync("j");
        Assert.Equal("conf", config.Provenance["start on"]);
    }

    [Fact]
    public async Task Show_config_names_what_an_override_changed()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.WriteJob("j", "start on a\nexec /bin/sleep 1000\n");
            await File.WriteAllTextAsync(Path.Combine(d.ConfDir, "j.override"), "start on b\n");
            await d.StartAsync();
            var config = await d.Client.ShowConfigAsync("j");
            Assert.Equal("b", config.StartOn);
            Assert.Equal("override", config.Provenance["start on"]);
            Assert.Equal("conf", config.Provenance["exec"]);
        }
    }
}
