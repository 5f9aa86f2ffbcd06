using System.Diagnostics;
using System.Globalization;

namespace UpstartHost.IntegrationTests;

/// <summary>
/// The daemon as a container's init: process 1 of its own pid namespace, as `docker run` makes the image's
/// entry point (docs/daemon.md, "In a container"). There every orphan of the container comes to it, a
/// `docker exec`'s too, and `docker stop` (SIGTERM) or ^C under `docker run -it` (SIGINT) must stop it cleanly:
/// the kernel delivers a signal to a namespace's init only when it has a handler.
/// </summary>
public sealed class ContainerInitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// unshare forks the daemon as the namespace's first process; --kill-child takes it down if the test has to
    /// kill unshare. The fixture's pid is unshare's, which waits for the daemon and exits with its status (it
    /// ignores SIGTERM itself, so the fixture's own stop signal is harmless).
    /// </summary>
    private static readonly string[] AsInit = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"];

    /// <summary>
    /// As <see cref="AsInit"/>, with every cgroup2 mount read-only in the daemon's mount namespace, as docker mounts
    /// /sys/fs/cgroup for a container that is not privileged. The shell is the namespace's process 1 and execs the
    /// daemon, which stays process 1.
    /// </summary>
    private static readonly string[] AsInitWithReadOnlyCgroups =
    [
        "unshare", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child", "sh", "-c",
        "for m in $(awk '$9 == \"cgroup2\" { print $5 }' /proc/self/mountinfo); do mount -o remount,bind,ro \"$m\" || exit 1; done; exec \"$@\"",
        "sh",
    ];

    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    public async Task As_process_1_of_a_pid_namespace_it_reaps_every_orphan_and_stops_on_the_signal(int signal)
    {
        Assert.True(Environment.UserName == "root", "this test needs root: it makes a pid namespace");
        var d = await StartedAsync(AsInit);
        await using (d)
        {
            using var cts = new CancellationTokenSource(Bound);
            var init = InitOf(d);
            Assert.Equal("1", NamespacePids(init)?[^1]);
            var service = await d.Client.StartAsync("service", wait: true, cancellationToken: cts.Token);
            Assert.Equal(("start", "running"), (service.Goal, service.State));

            // What `docker exec ctr sh -c 'sleep … &'` leaves: a process of no job whose parent is gone, so the
            // kernel gives it to the namespace's init. It must be reaped when it ends, or it stays a zombie.
            var orphan = await OrphanInNamespaceAsync(init, cts.Token);
            Assert.Equal(init, ProcScan.Read(orphan)?.Ppid);
            DaemonFixture.SendSignal(orphan, 9);
            await GoneAsync(orphan, cts.Token);
            Assert.Equal(0, ProcScan.ZombieChildren(init));

            DaemonFixture.SendSignal(init, signal);

            Assert.Equal(0, await d.StopAsync());
            Assert.Empty(d.ProcessesOfJob("service"));
        }
    }

    /// <summary>A daemon with one respawning job, `service`, exec'd through <paramref name="prefix"/>.</summary>
    private static async Task<DaemonFixture> StartedAsync(string[] prefix)
    {
        var d = DaemonFixture.Create();
        try
        {
            d.LaunchPrefix = prefix;
            d.WriteJob("service", "respawn\nexec sleep 1000000\n");
            await d.StartAsync();
            return d;
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }
    }

    /// <summary>The daemon: unshare's one child.</summary>
    private static int InitOf(DaemonFixture d) => ProcScan.All().Single(p => p.Ppid == d.DaemonPid).Pid;

    /// <summary>Runs `sleep` in the namespace through a shell that exits at once; returns the sleep's pid.</summary>
    private static async Task<int> OrphanInNamespaceAsync(int init, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--target", init.ToString(CultureInfo.InvariantCulture), "--pid", "--mount", "--", "sh", "-c", "sleep 1000000 >/dev/null 2>&1 & echo $!" })
        {
            info.ArgumentList.Add(arg);
        }

        using var shell = Process.Start(info)!;
        var inner = (await shell.StandardOutput.ReadToEndAsync(cancellationToken)).Trim();
        await shell.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, shell.ExitCode);

        // $! is the sleep's pid inside the namespace; NSpid lists it after the pid this side sees.
        var ours = new FileInfo($"/proc/{init}/ns/pid").LinkTarget;
        return ProcScan.All()
            .Where(p => p.Comm == "sleep" && NamespacePids(p.Pid) is [_, var nsPid] && nsPid == inner)
            .Single(p => new FileInfo($"/proc/{p.Pid}/ns/pid").LinkTarget == ours)
            .Pid;
    }

    /// <summary>The pid in each namespace the process is in, outermost first; null once it is gone.</summary>
    private static string[]? NamespacePids(int pid)
    {
        try
        {
            return ProcScan.Status(pid, "NSpid").Split('\t', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Until the process is gone from /proc, reaped. Nothing announces a reap to a process that is not the parent,
    /// so this polls, bounded by the caller's token.
    /// </summary>
    private static async Task GoneAsync(int pid, CancellationToken cancellationToken)
    {
        while (ProcScan.Read(pid) is not null)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    [Fact]
    public async Task In_a_container_whose_cgroups_are_read_only_it_supervises_without_job_cgroups()
    {
        Assert.True(Environment.UserName == "root", "this test needs root: it makes pid and mount namespaces");
        var d = await StartedAsync(AsInitWithReadOnlyCgroups);
        await using (d)
        {
            using var cts = new CancellationTokenSource(Bound);

            var first = await d.Client.StartAsync("service", wait: true, cancellationToken: cts.Token);
            var stopped = await d.Client.StopAsync("service", wait: true, cancellationToken: cts.Token);

            Assert.Equal(("start", "running"), (first.Goal, first.State));
            Assert.Equal(("stop", "waiting"), (stopped.Goal, stopped.State));
            Assert.Empty(d.ProcessesOfJob("service"));
            Assert.Contains("Job cgroups unavailable", d.DaemonOutput, StringComparison.Ordinal);
            Assert.False(d.CgroupDirectory is { } dir && Directory.Exists(dir), "a job cgroup was made on a read-only cgroup file system");
            DaemonFixture.SendSignal(InitOf(d), 15);
            Assert.Equal(0, await d.StopAsync());
        }
    }
}
