namespace UpstartHost.IntegrationTests;

/// <summary>
/// Issue 12 items 1 and 2, with a real system daemon and real users: who may read a job's log (host.json
/// `logAccess`), and that a log path the daemon did not write as a regular file is never read for a client.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class LogAccessTests
{
    [Fact]
    public async Task A_jobs_log_is_read_by_its_own_user_and_administrators_and_refused_to_other_users()
    {
        await using var d = await StartWithSecretsAsync(logAccess: null);

        var own = await d.RunCtlAsync(["log", "mine"], asUser: TestUsers.As(TestUsers.Primary));
        Assert.True(own.ExitCode == 0, $"own job's log: exit {own.ExitCode}, {own.Stderr}");
        Assert.Contains("SECRET-OF-MINE", own.Stdout, StringComparison.Ordinal);

        foreach (var (user, job) in new[] { (TestUsers.Other, "mine"), (TestUsers.Primary, "roots") })
        {
            var refused = await d.RunCtlAsync(["log", job], asUser: TestUsers.As(user));
            Assert.True(refused.ExitCode == 1, $"{user} reading {job}: exit {refused.ExitCode}, {refused.Stdout}");
            Assert.Contains("Access denied: reading this job's log needs root", refused.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("SECRET", refused.Stdout, StringComparison.Ordinal);
        }

        foreach (var job in new[] { "mine", "roots" })
        {
            var root = await d.RunCtlAsync(["log", job]);
            Assert.True(root.ExitCode == 0, $"root reading {job}: exit {root.ExitCode}, {root.Stderr}");
            Assert.Contains("SECRET-OF-", root.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("admins", false)]
    [InlineData("everyone", true)]
    public async Task The_logAccess_setting_narrows_or_widens_who_reads_logs(string logAccess, bool othersRead)
    {
        await using var d = await StartWithSecretsAsync(logAccess);

        foreach (var user in new[] { TestUsers.Primary, TestUsers.Other })
        {
            var r = await d.RunCtlAsync(["log", "mine"], asUser: TestUsers.As(user));
            Assert.True((r.ExitCode == 0) == othersRead, $"{logAccess}: {user} reading mine: exit {r.ExitCode}, {r.Stderr}");
            Assert.Equal(othersRead, r.Stdout.Contains("SECRET-OF-MINE", StringComparison.Ordinal));
        }

        Assert.Contains("SECRET-OF-MINE", (await d.RunCtlAsync(["log", "mine"])).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symbolic_link_planted_as_a_log_is_refused_not_followed()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        d.WriteJob("r", "exec /bin/true\n");
        var secret = Path.Combine(d.Root, "secret.txt");
        await File.WriteAllTextAsync(secret, "TOP-SECRET\n");
        File.CreateSymbolicLink(Path.Combine(d.LogDir, "r.log"), secret);
        await d.StartAsync();

        var r = await d.RunCtlAsync(["log", "r"]);

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.Stdout}");
        Assert.DoesNotContain("TOP-SECRET", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("it is a symbolic link", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fifo_planted_as_a_log_is_refused_without_hanging_the_reader()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        d.WriteJob("f", "exec /bin/true\n");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(d.LogDir, "f.log")))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        await d.StartAsync();

        var r = await d.RunCtlAsync(["log", "f"], timeout: TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.Stdout}");
        Assert.Contains("it is not a regular file", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_instance_name_reaches_neither_the_log_of_a_job_it_names_nor_writes_into_it()
    {
        await TestUsers.EnsureAsync(TestUsers.Primary);
        await using var d = DaemonFixture.Create(systemMode: true);
        await File.WriteAllTextAsync(d.SettingsPath, """{ "authorization": "system", "adminGroup": "upstartps-test-admins" }""");
        d.WriteJob("web", $"instance $NAME\nsetuid {TestUsers.Primary}\nconsole log\nscript\n  echo WEB-OUTPUT\n  exec /bin/sleep 1000\nend script\n");
        d.WriteJob("web-admin", "task\nconsole log\nscript\n  echo SECRET-OF-ADMIN\nend script\n");
        await d.StartAsync();
        Assert.Equal(0, (await d.RunCtlAsync(["start", "web-admin"])).ExitCode);
        Assert.Equal(0, (await d.RunCtlAsync(["start", "web", "NAME=admin"])).ExitCode);
        var own = Path.Combine(d.LogDir, "web@admin.log");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(File.Exists(own) && File.ReadAllText(own).Contains("WEB-OUTPUT", StringComparison.Ordinal)), "web (admin)'s own log");
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("web-admin").Contains("SECRET-OF-ADMIN", StringComparison.Ordinal)), "web-admin's log");

        var direct = await d.RunCtlAsync(["log", "web-admin"], asUser: TestUsers.As(TestUsers.Primary));
        var byInstance = await d.RunCtlAsync(["log", "web", "INSTANCE=admin"], asUser: TestUsers.As(TestUsers.Primary));

        Assert.Equal(1, direct.ExitCode);
        Assert.True(byInstance.ExitCode == 0, $"exit {byInstance.ExitCode}: {byInstance.Stderr}");
        Assert.Contains("WEB-OUTPUT", byInstance.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", byInstance.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("WEB-OUTPUT", d.ReadLog("web-admin"), StringComparison.Ordinal);
        Assert.Contains("web (admin) logs to web@admin.log: web-admin.log is another job's log", d.DaemonOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_file_that_may_also_be_a_root_jobs_is_refused_to_other_users()
    {
        await TestUsers.EnsureAsync(TestUsers.Primary);
        await using var d = DaemonFixture.Create(systemMode: true);
        await File.WriteAllTextAsync(d.SettingsPath, """{ "authorization": "system", "adminGroup": "upstartps-test-admins" }""");
        d.WriteJob("web", "instance $NAME\nconsole log\nexec /bin/true\n");
        d.WriteJob("web-x", $"setuid {TestUsers.Primary}\nconsole log\nexec /bin/true\n");

        // As an older daemon (or Upstart) left it: root job web's instance x wrote Upstart's name.
        await File.WriteAllTextAsync(Path.Combine(d.LogDir, "web-x.log"), "ROOT-INSTANCE-SECRET\n");
        await d.StartAsync();

        var user = await d.RunCtlAsync(["log", "web-x"], asUser: TestUsers.As(TestUsers.Primary));
        var root = await d.RunCtlAsync(["log", "web-x"]);

        Assert.True(user.ExitCode == 1, $"exit {user.ExitCode}: {user.Stdout}");
        Assert.DoesNotContain("SECRET", user.Stdout, StringComparison.Ordinal);
        Assert.Contains("(web-x.log may also be the log of job web)", user.Stderr, StringComparison.Ordinal);
        Assert.Contains("ROOT-INSTANCE-SECRET", root.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_without_instances_reaches_no_instance_log_of_a_removed_job()
    {
        await TestUsers.EnsureAsync(TestUsers.Primary);
        await using var d = DaemonFixture.Create(systemMode: true);
        await File.WriteAllTextAsync(d.SettingsPath, """{ "authorization": "system", "adminGroup": "upstartps-test-admins" }""");
        d.WriteJob("app", $"setuid {TestUsers.Primary}\nconsole log\nexec /bin/true\n");

        // Root job app-migrate ran and printed a secret, then its file was removed: its log claims nobody now.
        await File.WriteAllTextAsync(Path.Combine(d.LogDir, "app-migrate.log"), "ROOT-MIGRATE-SECRET\n");
        await d.StartAsync();

        var user = await d.RunCtlAsync(["log", "app", "INSTANCE=migrate"], asUser: TestUsers.As(TestUsers.Primary));

        Assert.True(user.ExitCode == 1, $"exit {user.ExitCode}: {user.Stdout}");
        Assert.DoesNotContain("SECRET", user.Stdout, StringComparison.Ordinal);
        Assert.Contains("Unknown instance: migrate", user.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fifo_planted_as_a_log_blocks_neither_other_jobs_logs_nor_the_daemons_stop()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        d.WriteJob("f", "task\nconsole log\nexec /bin/echo INTO-THE-FIFO\n");
        d.WriteJob("g", "task\nconsole log\nexec /bin/echo STILL-LOGGED\n");
        var fifo = Path.Combine(d.LogDir, "f.log");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        await d.StartAsync();

        Assert.Equal(0, (await d.RunCtlAsync(["start", "f"])).ExitCode);
        await DaemonFixture.WaitUntilAsync(
            () => Task.FromResult(d.DaemonOutput.Contains($"Refusing to write job log {fifo}: it is not a regular file", StringComparison.Ordinal)),
            "the refusal of the FIFO");
        Assert.Equal(0, (await d.RunCtlAsync(["start", "g"])).ExitCode);
        await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog("g").Contains("STILL-LOGGED", StringComparison.Ordinal)), "g's log");

        Assert.Equal(0, await d.StopAsync());
    }

    /// <summary>A system daemon whose job `mine` runs as the test user and `roots` as root, each printing a secret.</summary>
    private static async Task<DaemonFixture> StartWithSecretsAsync(string? logAccess)
    {
        await TestUsers.EnsureAsync(TestUsers.Primary);
        await TestUsers.EnsureAsync(TestUsers.Other);
        var d = DaemonFixture.Create(systemMode: true);
        try
        {
            var access = logAccess is null ? "" : $", \"logAccess\": \"{logAccess}\"";
            await File.WriteAllTextAsync(d.SettingsPath, $$"""{ "authorization": "system", "adminGroup": "upstartps-test-admins"{{access}} }""");
            d.WriteJob("mine", $"task\nconsole log\nsetuid {TestUsers.Primary}\nexec /bin/echo SECRET-OF-MINE\n");
            d.WriteJob("roots", "task\nconsole log\nexec /bin/echo SECRET-OF-ROOT\n");
            await d.StartAsync();
            foreach (var job in new[] { "mine", "roots" })
            {
                Assert.Equal(0, (await d.RunCtlAsync(["start", job])).ExitCode);
                await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.ReadLog(job).Contains("SECRET-OF-", StringComparison.Ordinal)), job + "'s log");
            }

            return d;
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }
    }
}
