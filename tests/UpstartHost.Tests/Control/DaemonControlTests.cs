using Microsoft.Extensions.Logging.Abstractions;
using Upstart.JobFiles.Loading;
using UpstartHost.Configuration;
using UpstartHost.Control;
using UpstartHost.State;
using UpstartPS.Protocol;
using UpstartPS.Protocol.Server;

namespace UpstartHost.Tests.Control;

public sealed class DaemonControlTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("upstartps-control-");
    private static readonly ClientIdentity Root = new(1, 0, 0, []);
    private readonly FakeEngine engine = new();
    private JobCatalog disk = TestCatalogs.Of(TestCatalogs.Job("web", "startup"), TestCatalogs.Job("task1"), TestCatalogs.Job("tty", "startup"));

    public void Dispose() => dir.Delete(true);

    private static AdminStateStore NewStoreOn(string file) => new(Path.GetDirectoryName(file)!, NullLogger.Instance);

    private (DaemonControl Control, JobConfiguration Config, AdminStateStore Store) Build(ControlAuthorization? authorization = null)
    {
        var store = new AdminStateStore(dir.FullName, NullLogger.Instance);
        store.Load();
        var config = new JobConfiguration(["/nowhere"], engine, store, NullLogger<JobConfiguration>.Instance, _ => disk);
        var control = new DaemonControl(engine, config, store, new JobLogTail(dir.FullName), new WatchHub(), new LogPriority(), ["startup"], authorization ?? ControlAuthorization.ForSystem());
        return (control, config, store);
    }

    [Fact]
    public async Task A_job_files_secrets_reach_only_those_who_may_change_jobs_unless_everyone_may_read_the_file()
    {
        string File(string name, UnixFileMode mode)
        {
            var path = Path.Combine(dir.FullName, name + ".conf");
            System.IO.File.WriteAllText(path, "(parsed elsewhere)");
            System.IO.File.SetUnixFileMode(path, mode);
            return path;
        }

        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode Public = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        disk = TestCatalogs.Of(
            TestCatalogs.Job("secret", path: File("secret", Private)) with { Env = ["DB_PASSWORD=hunter2"] },
            TestCatalogs.Job("open", path: File("open", Public)) with { Env = ["COLOUR=red"] },
            TestCatalogs.Job("overridden", path: File("overridden", Public)) with { OverridePath = File("overridden.override", Private), Env = ["TOKEN=t"] });
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        var nobody = new ClientIdentity(10, 65534, 65534, []);

        var hidden = await control.ShowConfigAsync(nobody, "secret", default);
        Assert.Equal((0, 0), (hidden.Env.Count, hidden.Processes.Count));
        Assert.Equal(["env", "processes"], hidden.Withheld);
        Assert.Equal("secret", hidden.Name);
        Assert.Equal(["DB_PASSWORD=hunter2"], (await control.ShowConfigAsync(Root, "secret", default)).Env);
        Assert.Null((await control.ShowConfigAsync(Root, "secret", default)).Withheld);

        var open = await control.ShowConfigAsync(nobody, "open", default);
        Assert.Equal(["COLOUR=red"], open.Env);
        Assert.Equal("exec /bin/sleep 100", open.Processes["main"]);
        Assert.Null(open.Withheld);

        Assert.Empty((await control.ShowConfigAsync(nobody, "overridden", default)).Env);
    }

    [Fact]
    public async Task A_disabled_job_is_refused_with_a_clear_message_and_not_started_by_events()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        await control.SetEnabledAsync(Root, "web", false, false, true, default);
        var e = await Assert.ThrowsAsync<UpstartException>(() => control.StartAsync(Root, "web", [], true, default));
        Assert.Equal("Job is disabled: web (enable it first)", e.Message);
        Assert.Null(engine.Applied!.Jobs["web"].StartOn);
        Assert.NotNull(engine.Applied.Jobs["tty"].StartOn);
        // Also named, so that a `start on` an instance still runs under starts no other (CatalogTests).
        Assert.Equal(["web"], engine.AppliedDisabled!);
        Assert.True((await control.StatusAsync(Root, "web", null, default)).Single().Disabled);

        await control.SetEnabledAsync(Root, "web", true, false, true, default);
        Assert.NotNull(engine.Applied!.Jobs["web"].StartOn);
        Assert.Equal("running", (await control.StartAsync(Root, "web", [], true, default)).State);
    }

    [Fact]
    public async Task A_stop_is_Upstarts_stop_nothing_is_written_and_start_on_stays_in_force()
    {
        var (control, config, store) = Build();
        await config.ReloadAsync(false);
        await control.StartAsync(Root, "web", [], true, default);
        var applied = engine.ApplyCount;

        var stopped = await control.StopAsync(Root, "web", [], true, default);

        Assert.Equal(("waiting", false), (stopped.State, stopped.Disabled));
        Assert.False(File.Exists(store.FilePath));
        Assert.Equal(applied, engine.ApplyCount);
        Assert.NotNull(engine.Applied!.Jobs["web"].StartOn);

        // The next matching event starts it again, as under Upstart.
        await control.EmitAsync(Root, "startup", [], true, default);
        Assert.Equal("running", (await control.StatusAsync(Root, "web", null, default)).Single().State);
    }

    [Fact]
    public async Task Disable_with_stop_now_masks_start_on_before_it_stops_the_job_and_reports_it_stopped_and_disabled()
    {
        var (control, config, store) = Build();
        await config.ReloadAsync(false);
        await control.StartAsync(Root, "web", [], true, default);
        engine.Calls.Clear();

        var after = await control.SetEnabledAsync(Root, "web", enabled: false, stopNow: true, wait: true, default);

        // task1 has no `start on` of its own; web's is removed before the stop is asked for.
        Assert.Equal(["apply (no start on: task1 web)", "stop-instances web"], engine.Calls);
        var web = Assert.Single(after);
        Assert.Equal(("web", "waiting", true), (web.Name, web.State, web.Disabled));
        Assert.Contains("web", NewStoreOn(store.FilePath).Load().Disabled);
    }

    [Fact]
    public async Task Disabling_a_job_that_does_not_exist_is_an_error_and_marks_nothing()
    {
        // A typo (`disable --now mysq`) must not answer success while mysql goes on being started.
        var (control, config, store) = Build();
        await config.ReloadAsync(false);

        var e = await Assert.ThrowsAsync<UpstartException>(() => control.SetEnabledAsync(Root, "nope", enabled: false, stopNow: true, wait: true, default));

        Assert.Equal((UpstartErrorCode.UnknownJob, "Unknown job: nope"), (e.Code, e.Message));
        Assert.DoesNotContain("nope", store.Current.Disabled);
        Assert.False(File.Exists(store.FilePath));
    }

    [Fact]
    public async Task A_job_whose_file_is_gone_but_whose_instance_still_runs_can_be_disabled()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        await control.StartAsync(Root, "web", [], true, default);
        disk = TestCatalogs.Of(TestCatalogs.Job("task1"), TestCatalogs.Job("tty", "startup"));
        await config.ReloadAsync(false);
        engine.Lingering.Add("web");

        await control.SetEnabledAsync(Root, "web", enabled: false, stopNow: true, wait: true, default);

        Assert.Equal(["web"], engine.AppliedDisabled!);
    }

    [Fact]
    public async Task Plain_disable_leaves_a_running_job_running_and_reports_it_disabled()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        await control.StartAsync(Root, "web", [], true, default);
        engine.Calls.Clear();

        var after = await control.SetEnabledAsync(Root, "web", enabled: false, stopNow: false, wait: true, default);

        Assert.Equal(["apply (no start on: task1 web)"], engine.Calls);
        Assert.Equal(("running", true), (after.Single().State, after.Single().Disabled));
    }

    [Fact]
    public async Task Status_reports_the_start_on_of_the_file_even_when_masked()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        await control.SetEnabledAsync(Root, "web", false, false, true, default);
        Assert.Equal("startup", (await control.StatusAsync(Root, "web", null, default)).Single().StartOn);
    }

    [Fact]
    public async Task Engine_errors_become_initctl_messages_with_stable_codes()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        var unknown = await Assert.ThrowsAsync<UpstartException>(() => control.StartAsync(Root, "nope", [], true, default));
        Assert.Equal((UpstartErrorCode.UnknownJob, "Unknown job: nope"), (unknown.Code, unknown.Message));
        await control.StartAsync(Root, "web", [], true, default);
        var again = await Assert.ThrowsAsync<UpstartException>(() => control.StartAsync(Root, "web", [], true, default));
        Assert.Equal((UpstartErrorCode.AlreadyRunning, "Job is already running: web"), (again.Code, again.Message));
        var notRunning = await Assert.ThrowsAsync<UpstartException>(() => control.ReloadAsync(Root, "task1", [], default));
        Assert.Equal(UpstartErrorCode.JobNotRunning, notRunning.Code);
    }

    [Fact]
    public async Task Status_accepts_wildcards_and_an_unknown_plain_name_is_an_error()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        Assert.Equal(["task1", "tty"], (await control.StatusAsync(Root, "t*", null, default)).Select(j => j.Name));
        Assert.Empty(await control.StatusAsync(Root, "z*", null, default));
        var e = await Assert.ThrowsAsync<UpstartException>(() => control.StatusAsync(Root, "zzz", null, default));
        Assert.Equal("Unknown job: zzz", e.Message);
    }

    [Fact]
    public async Task Reload_configuration_dry_run_reports_changes_without_applying_them()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        var applied = engine.ApplyCount;
        disk = TestCatalogs.Of(TestCatalogs.Job("web", "startup"), TestCatalogs.Job("new"));
        var change = await control.ReloadConfigurationAsync(Root, dryRun: true, default);
        Assert.Equal(["new"], change.Added);
        Assert.Equal(["task1", "tty"], change.Removed);
        Assert.Equal(applied, engine.ApplyCount);
        Assert.Equal(3, config.Catalog.Jobs.Count);

        await control.ReloadConfigurationAsync(Root, dryRun: false, default);
        Assert.Equal(["new", "web"], engine.Applied!.Jobs.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_reload_hands_the_engine_the_same_definition_for_a_job_whose_files_did_not_change()
    {
        var (_, config, _) = Build();
        await config.ReloadAsync(false);
        var first = engine.Applied!.Jobs["tty"];

        // A reload parses every file again: new objects, same files.
        disk = TestCatalogs.Of(TestCatalogs.Job("web", "startup"), TestCatalogs.Job("task1"), TestCatalogs.Job("tty", "startup"));
        await config.ReloadAsync(false);

        Assert.Same(first, engine.Applied!.Jobs["tty"]);
    }

    [Fact]
    public async Task Emit_hands_the_event_and_its_variables_to_the_engine_as_given()
    {
        var (control, config, _) = Build();
        await config.ReloadAsync(false);
        await control.EmitAsync(Root, "ev", ["A=1", "B=x y"], true, default);
        Assert.Equal(["ev A=1 B=x y"], engine.Emitted);
    }

    [Fact]
    public async Task Log_priority_accepts_Upstarts_names_only()
    {
        var (control, _, _) = Build();
        Assert.Equal("message", await control.LogPriorityAsync(Root, null, default));
        Assert.Equal("debug", await control.LogPriorityAsync(Root, "debug", default));
        await Assert.ThrowsAsync<UpstartException>(() => control.LogPriorityAsync(Root, "loud", default));
        Assert.Equal("debug", await control.LogPriorityAsync(Root, null, default));
    }

    [Fact]
    public async Task A_system_daemon_refuses_to_change_a_job_environment_with_initctl_s_words_even_to_root()
    {
        var (control, _, _) = Build();

        foreach (var change in new Func<Task>[]
        {
            () => control.SetEnvironmentAsync(Root, null, null, ["A=1"], false, default),
            () => control.UnsetEnvironmentAsync(Root, "web", "", ["A"], default),
            () => control.ResetEnvironmentAsync(Root, null, null, default),
        })
        {
            var e = await Assert.ThrowsAsync<UpstartException>(change);
            Assert.Equal((UpstartErrorCode.AccessDenied, "Not permissible to modify PID 1 job environment"), (e.Code, e.Message));
        }

        Assert.DoesNotContain(engine.Calls, c => c.StartsWith("set", StringComparison.Ordinal) || c.StartsWith("unset", StringComparison.Ordinal) || c.StartsWith("reset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_daemon_hands_every_environment_change_to_the_engine_with_its_scope()
    {
        var (control, _, _) = Build(ControlAuthorization.ForSession(0));

        await control.SetEnvironmentAsync(Root, null, null, ["A=1", "B"], true, default);
        await control.UnsetEnvironmentAsync(Root, "web", "", ["A"], default);
        await control.ResetEnvironmentAsync(Root, "tty", "tty1", default);

        Assert.Equal(["set - A=1 B retain", "unset web () A", "reset tty (tty1)"], engine.Calls.Where(c => !c.StartsWith("apply", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Get_env_finds_the_whole_name_only_and_says_no_such_variable_otherwise()
    {
        var (control, _, _) = Build();
        engine.EnvironmentTable.AddRange(["PATHX=wrong", "PATH=/bin", "URL=a=b", "EMPTY="]);

        Assert.Equal("/bin", await control.GetEnvironmentAsync(Root, null, null, "PATH", default));
        Assert.Equal("a=b", await control.GetEnvironmentAsync(Root, null, null, "URL", default));
        Assert.Equal("", await control.GetEnvironmentAsync(Root, null, null, "EMPTY", default));
        var e = await Assert.ThrowsAsync<UpstartException>(() => control.GetEnvironmentAsync(Root, null, null, "PAT", default));
        Assert.Equal((UpstartErrorCode.UnknownVariable, "No such variable: PAT"), (e.Code, e.Message));
    }
}
