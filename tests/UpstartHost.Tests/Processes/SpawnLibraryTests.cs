using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging.Abstractions;
using UpstartHost.Processes;
using UpstartHost.Processes.Cgroups;
using UpstartHost.Processes.Native;

namespace UpstartHost.Tests.Processes;

/// <summary>
/// libupstart-spawn.so starts every process whose job names no user or group, applying the helper's steps in
/// the child itself; the helper program runs the others. The caller is never made to wait for the child's
/// steps or exec, and what the child reads stays allocated until it is done with it.
/// </summary>
public sealed partial class SpawnLibraryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string directory = Directory.CreateTempSubdirectory("upstartps-spawnlib-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_build_installs_the_library_beside_the_helper()
    {
        using var layer = new ProcessLayer(new NoticeRecorder());

        Assert.Equal(Path.Combine(Path.GetDirectoryName(ProcessLayer.DefaultHelperPath)!, SpawnLibrary.FileName), layer.SpawnLibraryPath);
        Assert.True(File.Exists(layer.SpawnLibraryPath));
    }

    [Fact]
    public async Task A_plain_process_runs_no_helper_and_one_with_a_group_or_an_oom_score_runs_the_helper()
    {
        // A stand-in helper that notes each run, with the real library beside it.
        var used = Path.Combine(directory, "used");
        var helper = Stand_in(used);
        File.Copy(Path.Combine(Path.GetDirectoryName(ProcessLayer.DefaultHelperPath)!, SpawnLibrary.FileName), Path.Combine(directory, SpawnLibrary.FileName));
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, helperPath: helper);

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true"));
        Assert.False(File.Exists(used));

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { Setgid = "root" }));
        Assert.Equal(["helper"], File.ReadAllLines(used));

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { OomScore = 10 }));
        Assert.Equal(["helper", "helper"], File.ReadAllLines(used));
    }

    [Fact]
    public async Task Without_the_library_beside_it_every_process_runs_the_helper()
    {
        var used = Path.Combine(directory, "used");
        var helper = Stand_in(used);
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices, helperPath: helper);

        await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true"));

        Assert.Null(layer.SpawnLibraryPath);
        Assert.Equal(["helper"], File.ReadAllLines(used));
    }

    [Fact]
    public async Task What_a_child_was_given_is_released_once_it_has_exec_d_or_ended()
    {
        var notices = new NoticeRecorder();
        using var layer = new ProcessLayer(notices);
        var pids = new List<int>();

        for (var i = 0; i < 20; i++)
        {
            // Alternately a command that runs and one whose exec fails (its record, then its exit).
            var outcome = await SpawnOutcome.Of(layer, notices, SpawnRequests.Exec(i % 2 == 0 ? "/bin/true" : "/nonexistent/command"));
            Assert.Equal(i % 2 == 0, outcome.Succeeded);
            pids.Add(outcome.Pid);
        }

        foreach (var pid in pids.Where((_, i) => i % 2 == 0))
        {
            await notices.WaitFor<ProcessExited>(pid);
        }

        await ProcessTree.AssertGone([.. pids]);
        Assert.Equal(0, layer.SpawnMemoryHeld);
    }

    [Theory]
    [InlineData("-u", "root")]
    [InlineData("-g", "root")]
    [InlineData("-o", "10")]
    public void The_library_refuses_what_its_child_must_not_do(string option, string value)
    {
        var library = LoadLibrary();
        using var argv = NativeStrings.TryCreate(["upstart-exec", "-e", "3", option, value, "--", "/bin/true"])!;
        using var envp = NativeStrings.TryCreate(SpawnRequests.DefaultEnvironment)!;

        var pid = library.Spawn(argv, envp, [], out var memory);

        Assert.Equal(-22, pid); // EINVAL: nothing started
        Assert.Null(memory);
        Assert.Equal(0, library.Outstanding);
    }

    [Fact]
    public async Task The_caller_does_not_wait_for_the_child_s_steps_and_the_child_goes_on_alone()
    {
        // The child's first step opens CGROUP/cgroup.procs for writing; here that is a FIFO nobody reads
        // yet, so the child blocks in it, as it would on a hung mount. The spawn must return meanwhile.
        var cgroup = Directory.CreateDirectory(Path.Combine(directory, "cg")).FullName;
        var procs = Path.Combine(cgroup, "cgroup.procs");
        Assert.Equal(0, mkfifo(procs, 0x180));
        var library = LoadLibrary();
        var owner = new ExitOwner();
        Assert.True(SpawnPipes.TryOpenErrorPipe(out var errorRead, out var errorWrite));
        var devNull = Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        var argv = NativeStrings.TryCreate(["upstart-exec", "-e", "3", "-c", cgroup, "--", "/bin/true"])!;
        var envp = NativeStrings.TryCreate(SpawnRequests.DefaultEnvironment)!;
        SpawnMemory? memory = null;
        try
        {
            var spawn = Task.Run(() => ChildReaper.Instance.SpawnOwned(() => library.Spawn(argv, envp, [(devNull, 0), (devNull, 1), (devNull, 2), (errorWrite, 3)], out memory), owner));
            var pid = await spawn.WaitAsync(Bound);
            Assert.True(pid > 0, "spawn failed: " + pid);
            Libc.close(errorWrite);
            errorWrite = -1;
            Assert.Equal(1, library.Outstanding);

            // Now let the child through: it writes "0" (its own pid, cgroup-style), then execs /bin/true. A
            // directory that is not a cgroup cannot take it at birth (clone3 refuses), so it moved itself.
            var written = await Task.Run(() => File.ReadAllText(procs)).WaitAsync(Bound);
            Assert.Equal("0", written);
            Assert.False(memory!.BornInCgroup);
            Assert.Equal((pid, 0), await owner.Exited.WaitAsync(Bound));
            Assert.Null(SpawnPipes.ReadHelperFailure(errorRead, []));
        }
        finally
        {
            SpawnPipes.CloseIfOpen(errorWrite);
            Libc.close(errorRead);
            Libc.close(devNull);
            if (memory is null)
            {
                argv.Dispose();
                envp.Dispose();
            }

            memory?.Dispose();
        }

        Assert.Equal(0, library.Outstanding);
    }

    [RootFact]
    public async Task A_child_is_born_in_its_cgroup_rather_than_moved_there()
    {
        // Moving a process (its write to cgroup.procs) waits for an RCU grace period whenever none has moved for a
        // while, 5 to 19 ms a start; clone3 with CLONE_INTO_CGROUP starts it there (docs/performance.md).
        var cgroups = RealCgroups();
        var library = LoadLibrary();
        var owner = new ExitOwner();
        Assert.True(SpawnPipes.TryOpenErrorPipe(out var errorRead, out var errorWrite));
        var devNull = Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        var cgroup = cgroups.Enter("born", "")!;
        var argv = NativeStrings.TryCreate(["upstart-exec", "-e", "3", "-c", cgroup, "--", "/bin/sleep", "30"])!;
        var envp = NativeStrings.TryCreate(SpawnRequests.DefaultEnvironment)!;
        SpawnMemory? memory = null;
        try
        {
            var pid = ChildReaper.Instance.SpawnOwned(() => library.Spawn(argv, envp, [(devNull, 0), (devNull, 1), (devNull, 2), (errorWrite, 3)], out memory), owner);
            Assert.True(pid > 0, "spawn failed: " + pid);
            Libc.close(errorWrite);
            errorWrite = -1;

            Assert.True(memory!.BornInCgroup);
            Assert.Null(SpawnPipes.ReadHelperFailure(errorRead, [])); // end of file: it has exec'd
            Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(cgroup, "cgroup.procs")).Trim());
        }
        finally
        {
            SpawnPipes.CloseIfOpen(errorWrite);
            Libc.close(errorRead);
            Libc.close(devNull);
            await cgroups.KillAllAsync();
            await owner.Exited.WaitAsync(Bound);
            if (memory is null)
            {
                argv.Dispose();
                envp.Dispose();
            }

            memory?.Dispose();
        }
    }

    [RootFact]
    public async Task The_helper_program_is_born_in_its_cgroup_too_and_is_not_told_to_move()
    {
        // Jobs that name a user or group run the helper program (NSS): it too starts in its cgroup, and its
        // "-c DIR" is left out, since writing cgroup.procs again would take the lock that being born there avoids.
        var cgroups = RealCgroups();
        var seen = Path.Combine(directory, "seen");
        var helper = HelperBesideTheLibrary($"#!/bin/sh\n{{ grep '^0::' /proc/self/cgroup; printf '%s\\n' \"$@\"; }} > '{seen}'\nexec '{ProcessLayer.DefaultHelperPath}' \"$@\"\n");
        File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var notices = new NoticeRecorder();
        try
        {
            using (var layer = new ProcessLayer(notices, null, helper, cgroups))
            {
                await RunToExit(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { Setgid = "root" }));
            }

            var lines = File.ReadAllLines(seen);
            var cgroup = cgroups.PathOf("test", "")!;
            Assert.EndsWith(lines[0]["0::".Length..], cgroup, StringComparison.Ordinal);
            Assert.Contains("-g", lines);
            Assert.DoesNotContain("-c", lines);
            Assert.DoesNotContain(cgroup, lines);
        }
        finally
        {
            await cgroups.KillAllAsync();
        }
    }

    [RootFact]
    public async Task A_helper_program_that_cannot_be_run_fails_the_spawn_with_a_reason()
    {
        var cgroups = RealCgroups();
        var helper = HelperBesideTheLibrary("#!/bin/sh\nexit 0\n"); // no execute bit: execve refuses even root
        var notices = new NoticeRecorder();
        try
        {
            using var layer = new ProcessLayer(notices, null, helper, cgroups);

            var outcome = await SpawnOutcome.Of(layer, notices, SpawnRequests.Exec("/bin/true", c => c with { Setgid = "root" }));

            Assert.False(outcome.Succeeded);
            Assert.Equal("unable to execute the exec helper: Permission denied", outcome.Error);
        }
        finally
        {
            await cgroups.KillAllAsync();
        }
    }

    [Fact]
    public async Task A_child_whose_fds_cannot_be_set_up_says_so_on_its_error_pipe()
    {
        var library = LoadLibrary();
        var owner = new ExitOwner();
        Assert.True(SpawnPipes.TryOpenErrorPipe(out var errorRead, out var errorWrite));
        var argv = NativeStrings.TryCreate(["upstart-exec", "-e", "3", "--", "/bin/true"])!;
        var envp = NativeStrings.TryCreate(SpawnRequests.DefaultEnvironment)!;
        SpawnMemory? memory = null;
        try
        {
            // fd 1000 is not open: its dup2 onto 0 fails in the child, before fd 3 is in place.
            var pid = ChildReaper.Instance.SpawnOwned(() => library.Spawn(argv, envp, [(1000, 0), (errorWrite, 3)], out memory), owner);
            Assert.True(pid > 0, "spawn failed: " + pid);
            Libc.close(errorWrite);
            errorWrite = -1;

            Assert.Equal("unable to set up the process's file descriptors: Bad file descriptor", SpawnPipes.ReadHelperFailure(errorRead, []));
            Assert.Equal((pid, 127), await owner.Exited.WaitAsync(Bound));
        }
        finally
        {
            SpawnPipes.CloseIfOpen(errorWrite);
            Libc.close(errorRead);
            if (memory is null)
            {
                argv.Dispose();
                envp.Dispose();
            }

            memory?.Dispose();
        }
    }

    private static JobCgroups RealCgroups()
    {
        var cgroups = JobCgroups.Create(new JobCgroupOptions { SocketPath = "/tmp/" + Guid.NewGuid().ToString("N") + ".sock" }, NullLogger.Instance);
        Assert.True(cgroups.Available, "needs cgroup v2 with cgroup.kill, writable by root, on the test machine");
        return cgroups;
    }

    /// <summary>A stand-in helper and the real library beside it in the test's directory.</summary>
    private string HelperBesideTheLibrary(string script)
    {
        var helper = Path.Combine(directory, "upstart-exec");
        File.WriteAllText(helper, script);
        File.Copy(Path.Combine(Path.GetDirectoryName(ProcessLayer.DefaultHelperPath)!, SpawnLibrary.FileName), Path.Combine(directory, SpawnLibrary.FileName));
        return helper;
    }

    private static SpawnLibrary LoadLibrary() =>
        SpawnLibrary.TryLoad(Path.GetDirectoryName(ProcessLayer.DefaultHelperPath)!) ?? throw new InvalidOperationException("no spawn library beside the helper");

    private string Stand_in(string used)
    {
        var path = Path.Combine(directory, "upstart-exec");
        File.WriteAllText(path, $"#!/bin/sh\necho helper >> '{used}'\nexec '{ProcessLayer.DefaultHelperPath}' \"$@\"\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static async Task RunToExit(ProcessLayer layer, NoticeRecorder notices, SpawnRequest request)
    {
        var outcome = await SpawnOutcome.Of(layer, notices, request);
        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(0, (await notices.WaitFor<ProcessExited>(outcome.Pid)).Status);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int mkfifo(string path, uint mode);

    private sealed class ExitOwner : IChildOwner
    {
        private readonly TaskCompletionSource<(int Pid, int Status)> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(int Pid, int Status)> Exited => exited.Task;

        public bool ReapBeforeOrphans => false;

        public void OnExited(int pid, int status, bool signaled) => exited.TrySetResult((pid, status));

        public void OnStopped(int pid, int signal)
        {
        }
    }
}
