using System.Text.RegularExpressions;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// A small /etc/init in the style of Ubuntu 14.04's (rc, ssh with `expect stop`, a database with a post-start
/// readiness loop and `stop on starting rc RUNLEVEL=[016]`, a getty on `stopped rc`, network-interface instances,
/// an in-house app on `(local-filesystems and net-device-up IFACE!=lo) and started mysql`, a `{ stop; exit 0; }`
/// pre-start, an `.override` with `manual`, a shutdown task) driven through boot, a runlevel change to 1 and back,
/// an interface coming and going, and SIGTERM: the states, `status`/`list` lines, exit codes and order Upstart 1.13
/// gives them (UPSTART.md §b.4, §b.5, §c, §d).
/// </summary>
[Collection(RealDaemonTests.Name)]
public partial class UbuntuBootTests
{
    [Fact]
    public async Task An_ubuntu_style_etc_init_boots_changes_runlevel_and_shuts_down_in_upstarts_order()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            var journal = Path.Combine(d.Root, "journal");
            var bin = Path.Combine(d.Root, "bin");
            Directory.CreateDirectory(bin);
            foreach (var name in new[] { "start", "stop", "status", "initctl" })
            {
                File.CreateSymbolicLink(Path.Combine(bin, name), DaemonFixture.CtlPath);
            }

            WriteEtcInit(d, journal, bin);

            // Nothing emitted by the daemon: the test plays mountall, ifupdown, telinit and the udev bridge.
            await File.WriteAllTextAsync(d.SettingsPath, """{ "bootEvents": [] }""");
            await d.StartAsync();

            var journalLines = new Journal(journal);
            await EmitAsync(d, "startup");
            await EmitAsync(d, "--no-wait", "local-filesystems"); // held by app's half-matched start on, as mountall's
            await EmitAsync(d, "runlevel", "RUNLEVEL=2", "PREVLEVEL=N");

            // The emit returned once what it started got there: ssh past its SIGSTOP, mysql past its readiness loop,
            // rc 2 finished; optional stopped itself in pre-start without failing the event.
            Assert.Matches(@"^ssh start/running, process \d+\n$", (await CtlAsync(d, "status", "ssh")).Stdout);
            Assert.Matches(@"^mysql start/running, process \d+\n$", (await CtlAsync(d, "status", "mysql")).Stdout);
            Assert.Equal("optional stop/waiting\n", (await CtlAsync(d, "status", "optional")).Stdout);
            Assert.Equal("legacy stop/waiting\n", (await CtlAsync(d, "status", "legacy")).Stdout);
            await WaitForAsync(d, "tty1", "running");
            journalLines.AssertRunlevelTwo();

            await EmitAsync(d, "net-device-added", "INTERFACE=eth0");
            await EmitAsync(d, "net-device-up", "IFACE=eth0", "LOGICAL=eth0", "ADDRFAM=inet", "METHOD=static");
            var security = await CtlAsync(d, "status", "network-interface-security", "JOB=network-interface", "INTERFACE=eth0");
            Assert.Equal((0, "network-interface-security (network-interface/eth0) start/running\n"), (security.ExitCode, security.Stdout));
            Assert.Equal(
                ["app", "mysql", "network-interface (eth0)", "network-interface-security (network-interface/eth0)", "ssh", "tty1"],
                await RunningAsync(d));
            Assert.Equal(["ifup eth0", "app start 8080"], journalLines.New());

            // app stops before mysql (stop on stopping mysql), mysql before rc 1 runs (stop on starting rc RUNLEVEL=[016]).
            await EmitAsync(d, "runlevel", "RUNLEVEL=1", "PREVLEVEL=2");
            Assert.Equal(["network-interface (eth0)", "network-interface-security (network-interface/eth0)"], await RunningAsync(d));
            Assert.Equal(["app stopped", "mysql stopped", "rc 1 begin", "rc 1 done"], journalLines.New());

            // Back to 2: the runlevel jobs return, tty1 on rc's stopped event. app does not: its start on fired and
            // was reset at boot, and local-filesystems and net-device-up are not emitted again (init(5) BUGS).
            await EmitAsync(d, "runlevel", "RUNLEVEL=2", "PREVLEVEL=1");
            await WaitForAsync(d, "tty1", "running");
            Assert.Equal(
                ["mysql", "network-interface (eth0)", "network-interface-security (network-interface/eth0)", "ssh", "tty1"],
                await RunningAsync(d));
            journalLines.AssertRunlevelTwo();

            await EmitAsync(d, "net-device-removed", "INTERFACE=eth0");
            Assert.Equal("network-interface stop/waiting\n", (await CtlAsync(d, "status", "network-interface")).Stdout);
            await WaitForAsync(d, "network-interface-security", null);
            Assert.Equal(["ifdown eth0"], journalLines.New());

            // Shutdown: runlevel 0 stops mysql before rc 0 runs, and rc 0 and the shutdown task run to their end.
            Assert.Equal(0, await d.StopAsync());
            Assert.Empty(d.JobProcesses());
            var last = journalLines.New();
            Assert.Equal(["mysql stopped", "rc 0 begin", "rc 0 done"], last.Where(l => l != "save-state"));
            Assert.Single(last, "save-state");
        }
    }

    /// <summary>The lines the jobs appended, read a step at a time.</summary>
    private sealed class Journal(string path)
    {
        private int seen;

        public string[] New()
        {
            var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
            var fresh = lines[seen..];
            seen = lines.Length;
            return fresh;
        }

        /// <summary>rc 2 and mysql run side by side; tty1 starts on rc's stopped event, so after rc 2 is done.</summary>
        public void AssertRunlevelTwo()
        {
            var lines = New();
            Assert.Equal(["mysql ready", "rc 2 begin", "rc 2 done", "tty1 start"], lines.Order(StringComparer.Ordinal));
            Assert.True(Array.IndexOf(lines, "rc 2 done") < Array.IndexOf(lines, "tty1 start"), string.Join('\n', lines));
        }
    }

    private static void WriteEtcInit(DaemonFixture d, string journal, string bin)
    {
        var root = d.Root;
        d.WriteJob("rc", $"""
            # rc - System V runlevel compatibility
            description "System V runlevel compatibility"
            emits deconfiguring-networking

            start on runlevel [0123456]
            stop on runlevel [!$RUNLEVEL]

            export RUNLEVEL
            export PREVLEVEL
            env INIT_VERBOSE

            task

            script
                echo "rc $RUNLEVEL begin" >> {journal}
                sleep 0.2
                echo "rc $RUNLEVEL done" >> {journal}
            end script
            """);
        d.WriteJob("ssh", $$"""
            description "OpenSSH server"

            start on runlevel [2345]
            stop on runlevel [!2345]

            respawn
            respawn limit 10 5
            umask 022

            env SSH_SIGSTOP=1
            env PATH={{bin}}:/usr/bin:/bin
            expect stop

            console none

            pre-start script
                test -x /bin/sh || { stop; exit 0; }
                mkdir -p -m0755 {{root}}/run/sshd
            end script

            exec /bin/sh -c 'kill -STOP $$; exec sleep 1000'
            """);
        d.WriteJob("mysql", $$"""
            description "MySQL Server"

            start on runlevel [2345]
            stop on starting rc RUNLEVEL=[016]

            respawn
            respawn limit 2 5

            env HOME={{root}}
            env PATH={{bin}}:/usr/bin:/bin
            umask 007
            kill timeout 30

            pre-start script
                rm -f {{root}}/mysql.ready
            end script

            script
                (sleep 0.2; touch {{root}}/mysql.ready) &
                exec sleep 1000
            end script

            post-start script
               for i in $(seq 1 200) ; do
                    [ -e {{root}}/mysql.ready ] && { echo "mysql ready" >> {{journal}}; exit 0; }
                    statusnow=`status`
                    if echo $statusnow | grep -q 'stop/' ; then
                        exit 0
                    elif echo $statusnow | grep -q 'respawn/' ; then
                        exit 1
                    fi
                    sleep 0.05
                done
                exit 1
            end script

            post-stop exec /bin/sh -c 'echo "mysql stopped" >> {{journal}}'
            """);
        d.WriteJob("tty1", $"""
            # tty1 - getty
            start on stopped rc RUNLEVEL=[2345]
            stop on runlevel [!2345]

            respawn
            pre-start exec /bin/sh -c 'echo "tty1 start" >> {journal}'
            exec /bin/sleep 1000
            """);
        d.WriteJob("network-interface", $"""
            description "configure network device"
            emits net-device-up

            start on net-device-added
            stop on net-device-removed INTERFACE=$INTERFACE

            instance $INTERFACE
            export INTERFACE

            pre-start exec /bin/sh -c 'echo "ifup $INTERFACE" >> {journal}'
            post-stop exec /bin/sh -c 'echo "ifdown $INTERFACE" >> {journal}'
            """);
        d.WriteJob("network-interface-security", """
            start on (starting network-interface
                      or starting networking)
            stop on (stopped network-interface JOB=$JOB INTERFACE=$INTERFACE
                     or stopped networking JOB=$JOB)

            instance $JOB${INTERFACE:+/}${INTERFACE:-}
            export INTERFACE
            """);
        d.WriteJob("app", $"""
            description "in-house billing API"
            usage "start app [PORT=NNNN]"

            start on (local-filesystems and net-device-up IFACE!=lo) \
                  and started mysql
            stop on runlevel [!2345] \
                 or stopping mysql   # the database goes, so do we

            env PORT=8080
            export PORT
            normal exit 0 TERM
            kill timeout 3

            pre-start exec /bin/sh -c 'echo "app start $PORT" >> {journal}'
            exec /bin/sleep 1000
            post-stop exec /bin/sh -c 'echo "app stopped" >> {journal}'
            """);
        d.WriteJob("optional", $$"""
            start on runlevel [2345]
            stop on runlevel [!2345]
            env PATH={{bin}}:/usr/bin:/bin
            pre-start script
                [ -e {{root}}/optional.enabled ] || { stop; exit 0; }
            end script
            exec /bin/sleep 1000
            """);
        d.WriteJob("legacy", "start on runlevel [2345]\nstop on runlevel [!2345]\nexec /bin/sleep 1000\n");
        var manual = Path.Combine(d.ConfDir, "legacy.override");
        File.WriteAllText(manual, "manual\n");
        File.SetUnixFileMode(manual, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        d.WriteJob("save-state", $"start on runlevel [06]\ntask\nexec /bin/sh -c 'sleep 0.2; echo save-state >> {journal}'\n");
    }

    private static async Task<CtlResult> CtlAsync(DaemonFixture d, params string[] args) =>
        await d.RunCtlAsync(args[1..], invokedAs: args[0], timeout: EventScenarios.Deadline);

    private static async Task EmitAsync(DaemonFixture d, params string[] args)
    {
        var r = await d.RunCtlAsync(["emit", .. args], invokedAs: "initctl", timeout: EventScenarios.Deadline);
        Assert.True(r.ExitCode == 0, $"initctl emit {string.Join(' ', args)}: {r.ExitCode} {r.Stderr}\n{d.DaemonOutput}");
    }

    /// <summary>What `initctl list | awk '/start\/running/ { print }'` finds, names (and instances) only.</summary>
    private static async Task<string[]> RunningAsync(DaemonFixture d)
    {
        var list = await CtlAsync(d, "initctl", "list");
        Assert.Equal(0, list.ExitCode);
        return [.. list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => RunningLine().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups["job"].Value)];
    }

    /// <summary>Until the job's single instance is in <paramref name="state"/> (null: it has none); `stopped` events are not waited for by emit.</summary>
    private static Task WaitForAsync(DaemonFixture d, string job, string? state) =>
        DaemonFixture.WaitUntilAsync(
            async () => (await d.Client.StatusAsync(job)).Where(j => j.HasInstance).Select(j => j.State).SingleOrDefault() == state,
            $"{job} to be {state ?? "gone"}",
            EventScenarios.Deadline);

    [GeneratedRegex(@"^(?<job>\S+( \([^)]*\))?) start/running(, process \d+)?$")]
    private static partial Regex RunningLine();
}
