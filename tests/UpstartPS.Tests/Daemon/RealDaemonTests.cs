using UpstartPS.Arguments;
using UpstartPS.Connection;
using UpstartPS.Errors;
using UpstartPS.Matching;
using UpstartPS.Protocol;

namespace UpstartPS.Tests.Daemon;

/// <summary>
/// What the cmdlets assume of the daemon, checked against the real one: which error codes mean
/// "already there", how an instance is addressed, that an emit waits for the jobs it starts.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealDaemonTests
{
    private static CancellationToken Deadline => ScriptedDaemon.Deadline(30);

    [Fact]
    public async Task A_selected_job_starts_and_the_waiter_sees_it_running()
    {
        await using var daemon = await RealDaemon.StartAsync(("web", "exec sleep 600\n"), ("web-admin", "exec sleep 600\n"), ("db", "exec sleep 600\n"));
        var selection = JobSelection.Select(await daemon.Client.ListAsync(Deadline), ["web*"]);
        Assert.Equal(["web", "web-admin"], selection.Jobs.Select(j => j.Name).Order(StringComparer.Ordinal));

        await daemon.Client.StartAsync("web", wait: false, cancellationToken: Deadline);
        var running = await StateWaiter.WaitForStateAsync(daemon.Client.ListAsync, "web", "", "running", Deadline);
        Assert.True(running.Processes.Single(p => p.Kind == "main").Pid > 0);

        await daemon.Client.StopAsync("web", cancellationToken: Deadline);
        Assert.Equal("waiting", (await StateWaiter.WaitForStateAsync(daemon.Client.ListAsync, "web", "", "waiting", Deadline)).State);
    }

    [Fact]
    public async Task Starting_a_running_job_is_the_code_Start_treats_as_success()
    {
        await using var daemon = await RealDaemon.StartAsync(("web", "exec sleep 600\n"));
        await daemon.Client.StartAsync("web", cancellationToken: Deadline);
        var error = await Assert.ThrowsAsync<UpstartException>(() => daemon.Client.StartAsync("web", cancellationToken: Deadline));
        Assert.Equal(UpstartErrorCode.AlreadyRunning, error.Code);
        await daemon.Client.StopAsync("web", cancellationToken: Deadline);
    }

    [Fact]
    public async Task Stopping_a_stopped_job_is_a_code_Stop_treats_as_success()
    {
        await using var daemon = await RealDaemon.StartAsync(("web", "exec sleep 600\n"));
        var error = await Assert.ThrowsAsync<UpstartException>(() => daemon.Client.StopAsync("web", cancellationToken: Deadline));
        Assert.Contains(error.Code, new[] { UpstartErrorCode.UnknownInstance, UpstartErrorCode.AlreadyStopped, UpstartErrorCode.JobNotRunning });
    }

    [Fact]
    public async Task An_unknown_job_maps_to_NoJobFoundForGivenName()
    {
        await using var daemon = await RealDaemon.StartAsync(("web", "exec sleep 600\n"));
        var error = await Assert.ThrowsAsync<UpstartException>(() => daemon.Client.StartAsync("ghost", cancellationToken: Deadline));
        Assert.Equal("NoJobFoundForGivenName", FailureMapping.FromException(error, daemon.SocketPath, "ghost").ErrorId);
    }

    [Fact]
    public async Task A_job_that_cannot_exec_maps_to_JobFailedToStart()
    {
        await using var daemon = await RealDaemon.StartAsync(("broken", "exec /nonexistent/upstartps-test-binary\n"));
        var error = await Assert.ThrowsAsync<UpstartException>(() => daemon.Client.StartAsync("broken", cancellationToken: Deadline));
        Assert.Equal("JobFailedToStart", FailureMapping.FromException(error, daemon.SocketPath, "broken").ErrorId);
    }

    [Fact]
    public async Task An_instance_is_addressed_by_the_environment_its_template_inverts_to()
    {
        await using var daemon = await RealDaemon.StartAsync(("tty", "instance $TTY\nexec sleep 600\n"));
        await daemon.Client.StartAsync("tty", ["TTY=tty1"], cancellationToken: Deadline);
        await daemon.Client.StartAsync("tty", ["TTY=tty2"], cancellationToken: Deadline);
        var template = (await daemon.Client.ShowConfigAsync("tty", Deadline)).Instance;
        var environment = InstanceEnvironment.Derive(template, "tty2");
        Assert.Equal("TTY=tty2", environment);

        await daemon.Client.StopAsync("tty", [environment!], cancellationToken: Deadline);
        var running = (await daemon.Client.ListAsync(Deadline)).Where(j => j.Name == "tty" && j.State == "running").Select(j => j.Instance);
        Assert.Equal(["tty1"], running);
        await daemon.Client.StopAsync("tty", ["TTY=tty1"], cancellationToken: Deadline);
    }

    [Fact]
    public async Task An_emit_with_a_parsed_hashtable_waits_for_the_task_it_starts()
    {
        await using var daemon = await RealDaemon.StartAsync(("on-deploy", "start on deploy\ntask\nexec sh -c 'echo deployed $VERSION to $SLOT'\n"));
        var environment = EnvironmentArguments.Parse([new System.Collections.Hashtable { ["VERSION"] = "1.4.2", ["SLOT"] = "blue" }], _ => null);
        await daemon.Client.EmitAsync("deploy", environment, wait: true, Deadline);
        var lines = Streams.Read(ct => daemon.Client.ReadLogAsync("on-deploy", null, 10, false, ct), Deadline).Select(l => l.Line);
        Assert.Contains("deployed 1.4.2 to blue", lines);
    }

    [Fact]
    public async Task Reloading_a_stopped_job_is_an_error_the_cmdlet_reports()
    {
        await using var daemon = await RealDaemon.StartAsync(("web", "exec sleep 600\n"));
        var error = await Assert.ThrowsAsync<UpstartException>(() => daemon.Client.ReloadAsync("web", cancellationToken: Deadline));
        Assert.False(FailureMapping.FromException(error, daemon.SocketPath, "web").Terminating);
    }

    [Fact]
    public async Task A_dry_run_reports_a_new_job_without_adding_it()
    {
        await using var daemon = await RealDaemon.StartAsync(("web", "exec sleep 600\n"));
        await File.WriteAllTextAsync(Path.Combine(daemon.ConfDir, "added.conf"), "exec sleep 600\n");
        var preview = await daemon.Client.ReloadConfigurationAsync(dryRun: true, Deadline);
        Assert.Equal("add added", ConfigurationSummary.Describe(preview));
        Assert.DoesNotContain(await daemon.Client.ListAsync(Deadline), j => j.Name == "added");

        var applied = await daemon.Client.ReloadConfigurationAsync(dryRun: false, Deadline);
        Assert.Equal(["Added added"], UpstartConfigurationChange.From(applied).Select(c => c.ToString()));
        Assert.Contains(await daemon.Client.ListAsync(Deadline), j => j.Name == "added");
    }
}
