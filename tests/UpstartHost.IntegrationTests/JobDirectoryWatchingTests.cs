namespace UpstartHost.IntegrationTests;

/// <summary>
/// Losing inotify never blinds the daemon or stops it (issue: no instance, the watch limit, a conf dir
/// deleted and made again). The limits are real: the daemon runs in a private user namespace whose
/// inotify limits the test sets (/proc/sys/user/max_inotify_*), so the machine's are left alone.
/// </summary>
[Collection(RealDaemonTests.Name)]
public class JobDirectoryWatchingTests
{
    private const string FastRescans = """{ "rescanIntervalMilliseconds": 200 }""";

    private static async Task<bool> Known(DaemonFixture d, string job) =>
        (await d.Client.ListAsync()).Any(j => j.Name == job);

    /// <summary>Runs the daemon in a new user namespace with one inotify limit set to <paramref name="value"/>.</summary>
    private static string[] WithInotifyLimit(string limit, int value) =>
        ["unshare", "-U", "-r", "--", "/bin/sh", "-c", $"echo {value} > /proc/sys/user/{limit} && exec \"$@\"", "sh"];

    [Fact]
    public async Task Without_an_inotify_instance_the_daemon_runs_its_jobs_and_finds_new_files_by_rescanning()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.LaunchPrefix = WithInotifyLimit("max_inotify_instances", 0);
            await File.WriteAllTextAsync(d.SettingsPath, FastRescans);
            d.WriteJob("booted", "start on startup\nexec /bin/sleep 1000\n");
            await d.StartAsync();

            await DaemonFixture.WaitUntilAsync(async () => (await d.Client.StatusAsync("booted")).Single().State == "running", "the boot job to run");
            Assert.Contains("rescanning the job directories every 0.2 s", d.DaemonOutput, StringComparison.Ordinal);

            d.WriteJob("later", "exec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(() => Known(d, "later"), "a job written after start to be found by a rescan");
            d.DeleteJob("later");
            await DaemonFixture.WaitUntilAsync(async () => !await Known(d, "later"), "its removal to be found by a rescan");
        }
    }

    [Fact]
    public async Task Past_the_inotify_watch_limit_a_job_in_a_new_subdirectory_is_still_seen()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            // Room for the conf dir itself and little else: the subdirectories cannot all be watched.
            d.LaunchPrefix = WithInotifyLimit("max_inotify_watches", 2);
            await File.WriteAllTextAsync(d.SettingsPath, FastRescans);
            foreach (var sub in new[] { "a", "b", "c", "d" })
            {
                Directory.CreateDirectory(Path.Combine(d.ConfDir, sub));
            }

            await d.StartAsync();
            d.WriteJob("d/deep/job", "exec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(() => Known(d, "d/deep/job"), "the job in an unwatched subdirectory to be found");
            Assert.Contains("Cannot watch", d.DaemonOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_conf_dir_deleted_and_made_again_is_watched_again()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            await File.WriteAllTextAsync(d.SettingsPath, FastRescans);
            d.WriteJob("first", "exec /bin/sleep 1000\n");
            await d.StartAsync();

            Directory.Delete(d.ConfDir, recursive: true);
            await DaemonFixture.WaitUntilAsync(async () => !await Known(d, "first"), "the removal of the whole directory");
            Directory.CreateDirectory(d.ConfDir);
            d.WriteJob("second", "exec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(() => Known(d, "second"), "a job in the new directory");

            // Found by inotify on the new directory, not by a rescan: the daemon never fell back to polling.
            d.WriteJob("third", "exec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(() => Known(d, "third"), "a later job in the new directory");
            Assert.DoesNotContain("Cannot watch", d.DaemonOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_sighup_goes_back_to_inotify_once_it_can_be_had_and_keeps_rescanning_while_not()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            d.LaunchPrefix = WithInotifyLimit("max_inotify_instances", 0);
            await File.WriteAllTextAsync(d.SettingsPath, FastRescans);
            await d.StartAsync();

            // Still no instance: the re-arm fails, says so again, and rescans carry on.
            d.SendSignal(1);
            await DaemonFixture.WaitUntilAsync(() => Task.FromResult(CountOccurrences(d.DaemonOutput, "Cannot watch") == 2), "the failed re-arm to be reported");
            d.WriteJob("while-polling", "exec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(() => Known(d, "while-polling"), "a job found by a rescan");

            // Lift the limit inside the daemon's user namespace, then SIGHUP: inotify again.
            await RunAsync("nsenter", "-U", "-t", d.DaemonPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "/bin/sh", "-c", "echo 16 > /proc/sys/user/max_inotify_instances");
            d.SendSignal(1);
            await DaemonFixture.WaitUntilAsync(() => Task.FromResult(d.DaemonOutput.Contains("with inotify again", StringComparison.Ordinal)), "inotify to be armed again");
            d.WriteJob("after-hup", "exec /bin/sleep 1000\n");
            await DaemonFixture.WaitUntilAsync(() => Known(d, "after-hup"), "a job written after the SIGHUP");
        }
    }

    [Fact]
    public async Task A_daemon_started_with_sighup_ignored_still_reloads_on_sighup()
    {
        var d = DaemonFixture.Create();
        await using (d)
        {
            // nohup execs the daemon with SIGHUP ignored, a disposition that survives exec.
            d.LaunchPrefix = ["nohup"];
            await d.StartAsync();
            var loads = CountOccurrences(d.DaemonOutput, "Loaded ");

            d.SendSignal(1);
            await DaemonFixture.WaitUntilAsync(() => Task.FromResult(CountOccurrences(d.DaemonOutput, "Loaded ") > loads), "the job directories to be re-read after SIGHUP");
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {error}");
    }

    private static int CountOccurrences(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
