namespace UpstartHost.IntegrationTests;

/// <summary>
/// System-style mode (daemon as root, "system" authorisation): a non-root user may read everything and
/// change nothing. The user is a system account created once (`useradd -r -M upstartps-test`); the CLI is
/// run as that user through `setpriv --reuid --regid --clear-groups`.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class AuthorizationTests
{
    private const string TestUser = TestUsers.Primary;

    private static readonly string[][] Mutating =
    [
        ["start", "web"], ["stop", "web"], ["restart", "web"], ["reload", "web"], ["emit", "my-event"],
        ["reload-configuration"], ["disable", "web"], ["enable", "web"], ["log-priority", "debug"],
        ["start", "--no-wait", "idle"],
    ];

    private static readonly string[][] Reads =
    [
        ["list"], ["status", "web"], ["version"], ["show-config", "web"], ["check-config"], ["log-priority"],
    ];

    [Fact]
    public async Task A_non_root_user_is_refused_every_change_and_allowed_every_read()
    {
        await TestUsers.EnsureAsync(TestUser);
        var d = DaemonFixture.Create(systemMode: true);
        await using (d)
        {
            d.WriteJob("web", "start on startup\nexec /bin/sleep 1000\n");
            d.WriteJob("idle", "exec /bin/sleep 1000\n");
            await d.StartAsync();
            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("web")).Single().State == "running", "web");
            var pid = (await d.Client.StatusAsync("web")).Single().Processes.Single().Pid;
            string[] asUser = ["setpriv", "--reuid", TestUser, "--regid", TestUser, "--clear-groups"];

            foreach (var command in Mutating)
            {
                var r = await d.RunCtlAsync(command, asUser: asUser);
                Assert.True(r.ExitCode == 1, $"{string.Join(' ', command)} as {TestUser}: exit {r.ExitCode}, {r.Stdout}{r.Stderr}");
                Assert.Contains("Access denied", r.Stderr, StringComparison.Ordinal);
            }

            foreach (var command in Reads)
            {
                var r = await d.RunCtlAsync(command, asUser: asUser);
                Assert.True(r.ExitCode == 0, $"{string.Join(' ', command)} as {TestUser}: exit {r.ExitCode}, {r.Stderr}");
            }

            // Nothing changed: the same process runs, nothing was disabled, idle never started.
            var web = (await d.Client.StatusAsync("web")).Single();
            Assert.Equal(pid, web.Processes.Single().Pid);
            Assert.False(web.Disabled);
            Assert.Equal("waiting", (await d.Client.StatusAsync("idle")).Single().State);
            Assert.Equal("message", await d.Client.LogPriorityAsync());

            // Root may.
            Assert.Equal(0, (await d.RunCtlAsync(["stop", "web"])).ExitCode);
        }
    }
}
