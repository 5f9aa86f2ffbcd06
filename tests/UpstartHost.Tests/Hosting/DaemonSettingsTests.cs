using UpstartHost.Hosting;

namespace UpstartHost.Tests.Hosting;

public class DaemonSettingsTests
{
    private static readonly Dictionary<string, string> NoXdg = [];

    private static DaemonPaths Session(Dictionary<string, string> env) =>
        DaemonPaths.ForSession(k => env.GetValueOrDefault(k), "/home/u", 1000);

    [Fact]
    public void Session_defaults_follow_the_XDG_directories_in_Upstarts_order()
    {
        var p = Session(NoXdg);
        Assert.Equal(["/home/u/.config/upstart", "/home/u/.init", "/etc/xdg/upstart", "/usr/share/upstart/sessions"], p.ConfDirs);
        Assert.Equal("/home/u/.cache/upstart", p.LogDir);
        Assert.Equal("/home/u/.local/state/upstartps", p.StateDir);
        Assert.Equal("/home/u/.config/upstartps/host.json", p.SettingsFile);
    }

    [Fact]
    public void Session_socket_falls_back_to_a_private_temp_directory_without_XDG_RUNTIME_DIR()
    {
        Assert.Equal("/tmp/upstartps-1000/control.sock", Session(NoXdg).SocketPath);
        Assert.Equal("/run/user/1000/upstartps/control.sock", Session(new() { ["XDG_RUNTIME_DIR"] = "/run/user/1000" }).SocketPath);
    }

    [Fact]
    public void Relative_XDG_values_are_ignored_as_the_specification_requires()
    {
        var p = Session(new() { ["XDG_CONFIG_HOME"] = "rel", ["XDG_CACHE_HOME"] = "/c", ["XDG_CONFIG_DIRS"] = "/x:rel:/y" });
        Assert.Equal(["/home/u/.config/upstart", "/home/u/.init", "/x/upstart", "/y/upstart", "/usr/share/upstart/sessions"], p.ConfDirs);
        Assert.Equal("/c/upstart", p.LogDir);
    }

    [Fact]
    public void System_defaults_are_Upstarts()
    {
        var p = DaemonPaths.ForSystem();
        Assert.Equal(["/etc/init"], p.ConfDirs);
        Assert.Equal("/run/upstartps/control.sock", p.SocketPath);
        Assert.Equal("/var/lib/upstartps", p.StateDir);
    }

    [Fact]
    public void Command_line_beats_settings_file_beats_defaults()
    {
        var file = new HostSettingsFile { LogDir = "/file/log", Socket = "/file/s.sock", AdminGroup = "ops", ConfDirs = ["/file/init"] };
        var s = DaemonSettings.Resolve(HostCommandLine.Parse(["--logdir", "/cli/log"]), file, Session(NoXdg));
        Assert.Equal("/cli/log", s.LogDir);
        Assert.Equal("/file/s.sock", s.SocketPath);
        Assert.Equal(["/file/init"], s.ConfDirs);
        Assert.Equal("/home/u/.local/state/upstartps", s.StateDir);
        Assert.Equal("ops", s.AdminGroup);
        Assert.Equal(AuthorizationMode.Session, s.Authorization);
    }

    [Theory]
    [InlineData(null, UpstartPS.Protocol.Server.LogAccess.OwnerAndAdministrators)]
    [InlineData("owner-and-admins", UpstartPS.Protocol.Server.LogAccess.OwnerAndAdministrators)]
    [InlineData("admins", UpstartPS.Protocol.Server.LogAccess.Administrators)]
    [InlineData("everyone", UpstartPS.Protocol.Server.LogAccess.Everyone)]
    public void LogAccess_defaults_to_the_jobs_own_user_and_administrators(string? value, UpstartPS.Protocol.Server.LogAccess expected)
    {
        var s = DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile { LogAccess = value }, DaemonPaths.ForSystem());
        Assert.Equal(expected, s.LogAccess);
    }

    [Fact]
    public void An_unknown_logAccess_is_a_usage_error()
    {
        var e = Assert.Throws<HostUsageException>(() => DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile { LogAccess = "all" }, DaemonPaths.ForSystem()));
        Assert.Contains("logAccess must be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_boot_sequence_ends_in_runlevel_2()
    {
        var s = DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile(), Session(NoXdg));
        Assert.Equal(
            ["startup", "virtual-filesystems", "local-filesystems", "remote-filesystems", "filesystem", "static-network-up", "runlevel RUNLEVEL=2 PREVLEVEL=N"],
            s.BootEvents.Select(e => e.ToString()));
        Assert.Equal(["RUNLEVEL=0", "PREVLEVEL=2"], s.ShutdownEvents.Single().Environment);
    }

    [Fact]
    public void Startup_event_renames_the_first_event_and_no_startup_event_clears_the_sequence()
    {
        var renamed = DaemonSettings.Resolve(HostCommandLine.Parse(["--startup-event", "boot"]), new HostSettingsFile(), Session(NoXdg));
        Assert.Equal("boot", renamed.BootEvents[0].Name);
        Assert.Equal(7, renamed.BootEvents.Count);
        var none = DaemonSettings.Resolve(HostCommandLine.Parse(["--no-startup-event"]), new HostSettingsFile(), Session(NoXdg));
        Assert.Empty(none.BootEvents);
    }

    [Fact]
    public void A_boot_event_with_a_word_that_is_not_KEY_VALUE_is_refused() =>
        Assert.Throws<HostUsageException>(() => BootEvent.Parse("runlevel 2"));

    [Fact]
    public void Settings_file_is_read_with_comments_and_rejects_unknown_members()
    {
        var dir = Directory.CreateTempSubdirectory("upstartps-settings-");
        try
        {
            var good = Path.Combine(dir.FullName, "good.json");
            File.WriteAllText(good, """
                // operator notes
                { "logDir": "/x", "bootEvents": ["startup"], "authorization": "system", }
                """);
            var file = HostSettingsFile.Read(good);
            Assert.Equal("/x", file.LogDir);
            Assert.Equal(AuthorizationMode.System, DaemonSettings.Resolve(HostCommandLine.Parse([]), file, Session(NoXdg)).Authorization);

            var bad = Path.Combine(dir.FullName, "bad.json");
            File.WriteAllText(bad, """{ "logdirr": "/x" }""");
            var e = Assert.Throws<HostUsageException>(() => HostSettingsFile.Read(bad));
            Assert.Contains(bad, e.Message, StringComparison.Ordinal);
            Assert.NotNull(HostSettingsFile.Read(Path.Combine(dir.FullName, "missing.json")));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Without_respawnDelay_respawns_are_immediate_as_in_upstart() =>
        Assert.Equal(
            Upstart.JobFiles.Model.RespawnDelay.None,
            DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile(), Session(NoXdg)).RespawnDelay);

    [Theory]
    [InlineData("2", 2000, 2000)]
    [InlineData("0.5 30", 500, 30_000)]
    [InlineData(" 1\t8 ", 1000, 8000)]
    public void RespawnDelay_is_read_as_the_stanza_arguments(string value, int initialMs, int maxMs) =>
        Assert.Equal(
            new Upstart.JobFiles.Model.RespawnDelay(TimeSpan.FromMilliseconds(initialMs), TimeSpan.FromMilliseconds(maxMs)),
            DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile { RespawnDelay = value }, Session(NoXdg)).RespawnDelay);

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("8 2")]
    [InlineData("1 2 3")]
    [InlineData("-1")]
    [InlineData("86401")]
    public void A_bad_respawnDelay_stops_the_daemon_with_a_message_naming_it(string value)
    {
        var e = Assert.Throws<HostUsageException>(
            () => DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile { RespawnDelay = value }, Session(NoXdg)));
        Assert.StartsWith("respawnDelay must be \"INITIAL [MAX]\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_connections_are_closed_after_60_idle_seconds_unless_host_json_says_otherwise()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile(), Session(NoXdg)).ControlIdleTimeout);
        var file = new HostSettingsFile { ControlIdleTimeoutSeconds = 1 };
        Assert.Equal(TimeSpan.FromSeconds(1), DaemonSettings.Resolve(HostCommandLine.Parse([]), file, Session(NoXdg)).ControlIdleTimeout);
    }

    [Fact]
    public void A_status_is_answered_on_the_socket_thread_unless_host_json_turns_it_off()
    {
        Assert.True(DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile(), Session(NoXdg)).ControlInlineCompletions);

        var path = Path.Combine(Directory.CreateTempSubdirectory("upstartps-host-").FullName, "host.json");
        try
        {
            File.WriteAllText(path, """{ "controlInlineCompletions": false }""");
            Assert.False(DaemonSettings.Resolve(HostCommandLine.Parse([]), HostSettingsFile.Read(path), Session(NoXdg)).ControlInlineCompletions);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(86_401)]
    public void A_control_idle_timeout_out_of_range_stops_the_daemon_with_a_message_naming_it(int seconds)
    {
        var e = Assert.Throws<HostUsageException>(
            () => DaemonSettings.Resolve(HostCommandLine.Parse([]), new HostSettingsFile { ControlIdleTimeoutSeconds = seconds }, Session(NoXdg)));
        Assert.StartsWith("controlIdleTimeoutSeconds must be", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RespawnDelay_is_accepted_in_host_json()
    {
        var dir = Directory.CreateTempSubdirectory("upstartps-settings-");
        try
        {
            var path = Path.Combine(dir.FullName, "host.json");
            File.WriteAllText(path, """{ "respawnDelay": "1 60" }""");
            Assert.Equal("1 60", HostSettingsFile.Read(path).RespawnDelay);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
