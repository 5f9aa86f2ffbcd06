namespace UpstartHost.IntegrationTests;

/// <summary>
/// initctl's environment commands against the real daemon and upstartctl: a job's pre-start hands a variable
/// to its main process, the global table reaches the jobs started after it, and a changed table survives a
/// re-exec and a crash but not a clean stop; a system daemon refuses changes.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class EnvironmentCommandsTests
{
    [Fact]
    public async Task A_pre_start_s_set_env_reaches_main_and_a_global_set_env_every_job_started_after()
    {
        await using var d = DaemonFixture.Create();
        var marker = Path.Combine(d.Root, "seen");
        d.WriteJob("probe", $$"""
            task
            console none
            pre-start exec "{{DaemonFixture.CtlPath}}" set-env TOKEN=from-pre-start
            exec /bin/sh -c 'echo "$TOKEN|$PROXY" > {{marker}}'
            """ + "\n");
        await d.StartAsync();

        var set = await d.RunCtlAsync(["set-env", "-g", "PROXY=http://proxy:3128"]);
        Assert.True(set.ExitCode == 0, set.Stderr);
        await d.Client.StartAsync("probe");

        Assert.Equal("from-pre-start|http://proxy:3128\n", await File.ReadAllTextAsync(marker));
        var global = await d.RunCtlAsync(["list-env"]);
        Assert.Contains("PROXY=http://proxy:3128\n", global.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN=", global.Stdout, StringComparison.Ordinal);
        Assert.Equal("http://proxy:3128\n", (await d.RunCtlAsync(["get-env", "PROXY"])).Stdout);
    }

    [Fact]
    public async Task The_tables_survive_a_re_exec_and_a_crash_and_a_clean_stop_starts_afresh()
    {
        await using var d = DaemonFixture.Create();
        d.WriteJob("svc", $$"""
            console none
            pre-start exec "{{DaemonFixture.CtlPath}}" set-env TOKEN=kept
            exec /bin/sleep 1000
            """ + "\n");
        await d.StartAsync();
        await d.Client.StartAsync("svc");
        await d.Client.SetEnvironmentAsync(["FOO=1"]);

        Assert.True((await d.RunCtlAsync(["re-exec"])).ExitCode == 0, d.DaemonOutput);
        await d.ReconnectAsync();
        Assert.Contains("FOO=1", await d.Client.ListEnvironmentAsync());
        Assert.Contains("TOKEN=kept", await d.Client.ListEnvironmentAsync("svc"));
        Assert.Contains("FOO=1", await d.Client.ListEnvironmentAsync("svc"));

        await d.KillDaemonAsync();
        await d.StartAsync();
        Assert.Contains("FOO=1", await d.Client.ListEnvironmentAsync());
        Assert.Contains("TOKEN=kept", await d.Client.ListEnvironmentAsync("svc"));

        await d.RestartAsync();
        Assert.DoesNotContain("FOO=1", await d.Client.ListEnvironmentAsync());
    }

    [Fact]
    public async Task A_system_daemon_refuses_changes_with_initctl_s_words_and_lets_root_read()
    {
        await using var d = DaemonFixture.Create(systemMode: true);
        await d.StartAsync();

        var set = await d.RunCtlAsync(["set-env", "-g", "A=1"]);
        var list = await d.RunCtlAsync(["list-env", "-g"]);

        Assert.Equal(1, set.ExitCode);
        Assert.Contains("Not permissible to modify PID 1 job environment", set.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, list.ExitCode);
        Assert.StartsWith("PATH=", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("A=1", list.Stdout, StringComparison.Ordinal);
    }
}
